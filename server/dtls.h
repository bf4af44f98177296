/* dtls.h - one DTLS-SRTP endpoint (RFC 5763/5764) on OpenSSL, without I/O.
 *
 * The caller feeds received DTLS datagrams in (sb_dtls_handle), gets the
 * datagrams to send through a callback, and runs the retransmission timer
 * itself: after every call, sb_dtls_timeout_us() says how long to wait before
 * calling sb_dtls_handle_timeout(). No sockets, no GLib sources: two
 * endpoints can be wired memory-to-memory.
 *
 * The peer's certificate is self-signed; it is accepted exactly when its
 * digest matches the a=fingerprint from the peer's SDP. If the handshake
 * reaches the peer's certificate before that fingerprint is known (the SDP
 * answer can arrive after the first DTLS packets), the handshake completes
 * but on_connected waits until sb_dtls_set_remote_fingerprint() checks the
 * stored certificate.
 *
 * Threading: an sb_dtls_ctx is shared (atomically refcounted, read-only
 * after configuration); an sb_dtls belongs to one thread. Callbacks run
 * synchronously inside the sb_dtls_* call that caused them; they must not
 * call back into the same sb_dtls nor free it (defer that to the loop).
 * Keys are handed to on_connected only and never logged. */
#ifndef SB_DTLS_H
#define SB_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "srtp.h"

typedef struct sb_dtls_ctx sb_dtls_ctx;
typedef struct sb_dtls sb_dtls;

/* SDP a=setup decides: "active" = client (sends the ClientHello),
 * "passive" = server. */
typedef enum { SB_DTLS_ROLE_CLIENT, SB_DTLS_ROLE_SERVER } sb_dtls_role;

typedef enum {
  SB_DTLS_STATE_NEW,        /* created, not started */
  SB_DTLS_STATE_CONNECTING, /* handshake running (or waiting for the fingerprint) */
  SB_DTLS_STATE_CONNECTED,  /* keys delivered */
  SB_DTLS_STATE_FAILED,     /* handshake failed, fatal alert, or timeout */
  SB_DTLS_STATE_CLOSED,     /* close_notify sent or received */
} sb_dtls_conn_state;

typedef struct {
  /* One DTLS datagram (at most the MTU, 1200 bytes) to send to the peer,
   * borrowed for the call. Required. */
  void (*send)(void *user, const uint8_t *data, size_t len);
  /* Handshake done and the peer's fingerprint verified; keys borrowed for
   * the call (copy them into an sb_srtp right away). */
  void (*on_connected)(void *user, const sb_srtp_keys *keys);
  /* The handshake failed, a fatal alert came, or retransmissions ran out. */
  void (*on_failed)(void *user, const char *reason);
  /* The peer sent close_notify. */
  void (*on_closed)(void *user, const char *reason);
} sb_dtls_callbacks;

/* Maximum size of one outgoing DTLS datagram. */
#define SB_DTLS_MTU 1200

/* Is this datagram DTLS by RFC 7983's demultiplexing (first byte 20..63)? */
static inline bool sb_dtls_is_dtls(const uint8_t *data, size_t len) {
  return len > 0 && data[0] >= 20 && data[0] <= 63;
}

/* An OpenSSL SSL_CTX for DTLS 1.2 with `cert` (borrowed: the context takes
 * its own OpenSSL references), SRTP profiles "SRTP_AEAD_AES_128_GCM:
 * SRTP_AES128_CM_SHA1_80" (our preference order when we are the server),
 * ECDHE ciphers, mutual certificate authentication by fingerprint and a 1 s
 * initial retransmission timer. SB_EIO if OpenSSL refuses. Release with
 * sb_dtls_ctx_unref(). */
int sb_dtls_ctx_new(sb_cert *cert, sb_dtls_ctx **out);
sb_dtls_ctx *sb_dtls_ctx_ref(sb_dtls_ctx *ctx);
void sb_dtls_ctx_unref(sb_dtls_ctx *ctx); /* NULL is fine */

/* Configuration, before the context is shared and before sb_dtls_new():
 * the OpenSSL SRTP profile list (colon-separated, preferred first;
 * SB_EINVAL if OpenSSL knows none of them), and the first retransmission
 * timeout in milliseconds (doubling on each retransmission up to 60 s;
 * RFC 6347 says 1000; SB_EINVAL outside 10..60000). */
int sb_dtls_ctx_set_srtp_profiles(sb_dtls_ctx *ctx, const char *profiles);
int sb_dtls_ctx_set_initial_timeout_ms(sb_dtls_ctx *ctx, unsigned ms);

/* One endpoint. cb is copied, user is passed to every callback. Free with
 * sb_dtls_free() (which sends nothing; call sb_dtls_close() first for a
 * polite end). SB_EINVAL without cb->send, SB_EIO if OpenSSL refuses. */
int sb_dtls_new(sb_dtls_ctx *ctx, sb_dtls_role role, const sb_dtls_callbacks *cb, void *user,
                sb_dtls **out);
void sb_dtls_free(sb_dtls *dtls); /* NULL is fine */

/* The peer's a=fingerprint: alg "sha-256" (or sha-1/224/384/512), value as
 * "AB:CD:..." (case-insensitive). SB_EUNSUPPORTED for another algorithm,
 * SB_EINVAL for a malformed value. If the handshake already finished and
 * was waiting for it, the stored certificate is checked now: a match fires
 * on_connected and returns SB_OK, a mismatch fires on_failed and returns
 * SB_ECRYPTO. Changing it after verification returns SB_ESTATE. */
int sb_dtls_set_remote_fingerprint(sb_dtls *dtls, const char *alg, const char *fingerprint);

/* Starts the handshake: a client sends its ClientHello, a server starts
 * waiting for one. SB_ESTATE if already started. */
int sb_dtls_start(sb_dtls *dtls);

/* One received datagram (borrowed for the call). SB_OK when consumed
 * (including records OpenSSL silently drops, and application data, which is
 * discarded); SB_EINVAL for a datagram that is not a well-formed sequence of
 * DTLS records (dropped, state unchanged); SB_ECRYPTO when it made the
 * handshake fail (on_failed was called); SB_ESTATE once failed or closed. A
 * server that was not started starts here. */
int sb_dtls_handle(sb_dtls *dtls, const uint8_t *data, size_t len);

/* Microseconds until sb_dtls_handle_timeout() is due (0 = now), or -1 when
 * no timer runs. Ask again after every sb_dtls_* call. */
int64_t sb_dtls_timeout_us(sb_dtls *dtls);

/* Retransmits the last flight if its timer expired (no-op otherwise).
 * SB_ECRYPTO (and on_failed) when the retransmissions ran out. */
int sb_dtls_handle_timeout(sb_dtls *dtls);

/* Sends close_notify if a session is up (and not released), and moves to
 * CLOSED (on_closed is not called for a local close). SB_ESTATE if already
 * failed or closed. */
int sb_dtls_close(sb_dtls *dtls);

/* Frees OpenSSL's session state once the handshake is known to be over on
 * both sides (call it when the peer's first SRTP or SRTCP packet
 * authenticates: the peer only sends those after the last flight). The
 * endpoint stays CONNECTED but sends nothing more: no retransmission, no
 * close_notify. An alert record from the peer (its close_notify) still
 * closes it, with on_closed, though it can no longer be authenticated.
 * SB_ESTATE unless connected; releasing twice is fine. */
int sb_dtls_release(sb_dtls *dtls);

sb_dtls_conn_state sb_dtls_state(const sb_dtls *dtls);
const char *sb_dtls_state_name(sb_dtls_conn_state state);
sb_dtls_role sb_dtls_get_role(const sb_dtls *dtls);
/* The negotiated profile once connected, else SB_SRTP_PROFILE_NONE. */
sb_srtp_profile sb_dtls_profile(const sb_dtls *dtls);

#endif
