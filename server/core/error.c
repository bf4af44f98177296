/* error.c - names for the SB_E* codes of error.h. */
#include "core/error.h"

const char *sb_strerror(int code) {
  switch (code) {
  case SB_OK: return "ok";
  case SB_EINVAL: return "invalid";
  case SB_ETRUNC: return "truncated";
  case SB_ENOSPC: return "no-space";
  case SB_ETOOBIG: return "too-big";
  case SB_EUNSUPPORTED: return "unsupported";
  case SB_ENOTFOUND: return "not-found";
  case SB_ESTATE: return "wrong-state";
  case SB_ENOMEM: return "no-memory";
  case SB_EEXIST: return "exists";
  case SB_EFULL: return "full";
  case SB_EIO: return "io";
  case SB_ECRYPTO: return "crypto";
  default: return "unknown";
  }
}
