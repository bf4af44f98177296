/* fuzz_srtp_keys.h - the fixed master keys of the SRTP fuzz target
 * (fuzz_srtp.c) and its seed corpus: tests/fuzz/gen_srtp_corpus.py writes
 * packets protected with these same keys (its KEY and SALT), and
 * test_srtp_interop.c checks that both implementations accept them. The
 * same key and salt serve both directions; GCM uses the first 12 salt
 * bytes. Not secret. */
#ifndef SB_FUZZ_SRTP_KEYS_H
#define SB_FUZZ_SRTP_KEYS_H

#include <string.h>

#include "srtp.h"

#define SB_FUZZ_SRTP_KEY  "Switchboard fuzz" /* 16 bytes */
#define SB_FUZZ_SRTP_SALT "seed salt 14by"   /* 14 bytes */

static inline void sb_fuzz_srtp_keys(sb_srtp_profile profile, sb_srtp_keys *k) {
  memset(k, 0, sizeof *k);
  k->profile = profile;
  k->key_len = 16;
  k->salt_len = profile == SB_SRTP_AEAD_AES_128_GCM ? 12 : 14;
  memcpy(k->local_key, SB_FUZZ_SRTP_KEY, 16);
  memcpy(k->remote_key, SB_FUZZ_SRTP_KEY, 16);
  memcpy(k->local_salt, SB_FUZZ_SRTP_SALT, k->salt_len);
  memcpy(k->remote_salt, SB_FUZZ_SRTP_SALT, k->salt_len);
}

#endif
