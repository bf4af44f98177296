/* cert.h - the server's DTLS identity: an X.509 certificate and its private
 * key, either generated at start (ECDSA P-256, self-signed, CN "switchboard")
 * or loaded from PEM files, plus the SHA-256 fingerprint that SDP advertises
 * (a=fingerprint:sha-256 AB:CD:...).
 *
 * An sb_cert is immutable once made and reference-counted (atomically), so one
 * certificate can be shared by every worker thread: sb_cert_ref() takes a
 * reference, sb_cert_unref() drops one and frees on the last. It does no I/O
 * besides reading the two files given to sb_cert_load(). */
#ifndef SB_CERT_H
#define SB_CERT_H

#include <glib.h>
#include <openssl/types.h>
#include <stddef.h>

typedef struct sb_cert sb_cert;

/* Room for the longest fingerprint this module writes or parses (SHA-512:
 * 64 bytes as "AB:" triples, minus one colon, plus the NUL). */
#define SB_CERT_FINGERPRINT_MAX 192

/* GError domain of this module; the error code is the negative SB_E* code. */
#define SB_CERT_ERROR (sb_cert_error_quark())
GQuark sb_cert_error_quark(void);

/* Generates a fresh ECDSA P-256 key and a self-signed certificate for it
 * (random 64-bit serial, valid from 30 days ago to 365 days ahead, SHA-256
 * signature). On success *out holds one reference. SB_EIO if OpenSSL fails. */
int sb_cert_generate(sb_cert **out, GError **error);

/* Loads a PEM certificate (the first one in the file) and a PEM private key
 * (unencrypted). Errors: SB_ENOTFOUND when a file can't be opened, SB_EINVAL
 * when a file holds no usable PEM object or the key does not belong to the
 * certificate; *error then names the file and the problem. */
int sb_cert_load(const char *cert_path, const char *key_path, sb_cert **out, GError **error);

sb_cert *sb_cert_ref(sb_cert *cert);
void sb_cert_unref(sb_cert *cert); /* NULL is fine */

/* "AB:CD:..." (uppercase hex, colon-separated SHA-256 of the DER certificate),
 * borrowed for the certificate's lifetime. The algorithm name for SDP is
 * "sha-256". */
const char *sb_cert_fingerprint(const sb_cert *cert);

/* The certificate and key, borrowed for the certificate's lifetime (for the
 * DTLS adapter; callers that keep them take their own OpenSSL reference). */
X509 *sb_cert_x509(const sb_cert *cert);
EVP_PKEY *sb_cert_pkey(const sb_cert *cert);

/* The message digest named by an SDP fingerprint algorithm ("sha-1",
 * "sha-224", "sha-256", "sha-384", "sha-512", case-insensitive), or NULL. */
const EVP_MD *sb_cert_digest_by_name(const char *alg);

/* Writes the fingerprint of `x` with `md` into out (uppercase, colons).
 * SB_ENOSPC if cap is too small, SB_EIO if hashing fails. */
int sb_cert_fingerprint_x509(X509 *x, const EVP_MD *md, char *out, size_t cap);

#endif
