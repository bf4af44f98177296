/* error.h - the negative error codes every Switchboard function returns.
 *
 * Functions that can fail return int: 0 (SB_OK) on success, one of the
 * negative SB_E* codes below on failure. Parsers write their outputs only on
 * success. sb_strerror() names a code for logs and error replies. */
#ifndef SB_CORE_ERROR_H
#define SB_CORE_ERROR_H

enum {
  SB_OK = 0,
  SB_EINVAL = -1,       /* malformed or self-contradictory input */
  SB_ETRUNC = -2,       /* input ends before the structure it announces */
  SB_ENOSPC = -3,       /* output buffer or fixed table too small */
  SB_ETOOBIG = -4,      /* input larger than a configured limit */
  SB_EUNSUPPORTED = -5, /* well-formed but not something we handle */
  SB_ENOTFOUND = -6,    /* the thing asked for is not there */
  SB_ESTATE = -7,       /* operation not valid in the current state */
  SB_ENOMEM = -8,       /* allocation failed */
  SB_EEXIST = -9,       /* already there */
  SB_EFULL = -10,       /* capacity reached (room, server) */
  SB_EIO = -11,         /* an adapter's library or the OS failed */
  SB_ECRYPTO = -12,     /* DTLS/SRTP failure (auth, replay, handshake) */
};

/* A short stable name for an error code ("invalid", "truncated", ...).
 * Never NULL; unknown codes give "unknown". */
const char *sb_strerror(int code);

#endif
