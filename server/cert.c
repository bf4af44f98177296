/* cert.c - the server's DTLS certificate: generate (ECDSA P-256, self-signed)
 * or load from PEM, and compute SDP fingerprints. OpenSSL 3 EVP APIs only;
 * nothing here touches the key material beyond handing it to OpenSSL, and
 * nothing secret is logged. See cert.h. */
#define G_LOG_DOMAIN "sb-cert"
#include "cert.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "core/error.h"

struct sb_cert {
  gint refs;
  X509 *x509;
  EVP_PKEY *pkey;
  char fingerprint[SB_CERT_FINGERPRINT_MAX];
};

#define CERT_DAYS_BACK  30
#define CERT_DAYS_AHEAD 365

G_DEFINE_QUARK(sb - cert - error - quark, sb_cert_error)

/* The first queued OpenSSL error as text (or `fallback`), queue cleared. */
static void openssl_reason(char *buf, size_t cap, const char *fallback) {
  unsigned long e = ERR_peek_last_error();
  if (e)
    ERR_error_string_n(e, buf, cap);
  else
    g_strlcpy(buf, fallback, cap);
  ERR_clear_error();
}

const EVP_MD *sb_cert_digest_by_name(const char *alg) {
  if (!alg) return NULL;
  if (!g_ascii_strcasecmp(alg, "sha-1")) return EVP_sha1();
  if (!g_ascii_strcasecmp(alg, "sha-224")) return EVP_sha224();
  if (!g_ascii_strcasecmp(alg, "sha-256")) return EVP_sha256();
  if (!g_ascii_strcasecmp(alg, "sha-384")) return EVP_sha384();
  if (!g_ascii_strcasecmp(alg, "sha-512")) return EVP_sha512();
  return NULL;
}

int sb_cert_fingerprint_x509(X509 *x, const EVP_MD *md, char *out, size_t cap) {
  static const char hex[] = "0123456789ABCDEF";
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!x || !md || !out) return SB_EINVAL;
  if (!X509_digest(x, md, d, &n) || n == 0) {
    ERR_clear_error();
    return SB_EIO;
  }
  if (cap < (size_t)n * 3) return SB_ENOSPC;
  for (unsigned int i = 0; i < n; i++) {
    out[i * 3] = hex[d[i] >> 4];
    out[i * 3 + 1] = hex[d[i] & 0xf];
    out[i * 3 + 2] = i + 1 < n ? ':' : '\0';
  }
  return SB_OK;
}

/* Takes ownership of x and k (both non-NULL, already checked to match). */
static int cert_wrap(X509 *x, EVP_PKEY *k, sb_cert **out, GError **error) {
  sb_cert *c = g_new0(sb_cert, 1);
  c->refs = 1;
  c->x509 = x;
  c->pkey = k;
  int rc = sb_cert_fingerprint_x509(x, EVP_sha256(), c->fingerprint, sizeof c->fingerprint);
  if (rc < 0) {
    g_set_error(error, SB_CERT_ERROR, rc, "cannot compute the certificate fingerprint");
    sb_cert_unref(c);
    return rc;
  }
  *out = c;
  return SB_OK;
}

static int set_random_serial(X509 *x) {
  unsigned char b[8];
  if (RAND_bytes(b, sizeof b) != 1) return 0;
  b[0] &= 0x7f; /* positive */
  b[0] |= 0x01; /* and never zero */
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof b; i++)
    v = (v << 8) | b[i];
  ASN1_INTEGER *s = ASN1_INTEGER_new();
  if (!s) return 0;
  int ok = ASN1_INTEGER_set_uint64(s, v) && X509_set_serialNumber(x, s);
  ASN1_INTEGER_free(s);
  return ok;
}

int sb_cert_generate(sb_cert **out, GError **error) {
  char why[256];
  EVP_PKEY *k = NULL;
  X509 *x = NULL;
  X509_NAME *name = NULL;
  ERR_clear_error();
  k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  if (!k) goto fail;
  x = X509_new();
  name = X509_NAME_new();
  if (!x || !name) goto fail;
  if (!X509_set_version(x, 2) || !set_random_serial(x)) goto fail;
  if (!X509_gmtime_adj(X509_getm_notBefore(x), -(long)CERT_DAYS_BACK * 86400) ||
      !X509_gmtime_adj(X509_getm_notAfter(x), (long)CERT_DAYS_AHEAD * 86400))
    goto fail;
  if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"switchboard",
                                  -1, -1, 0) ||
      !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name))
    goto fail;
  if (!X509_set_pubkey(x, k) || !X509_sign(x, k, EVP_sha256())) goto fail;
  X509_NAME_free(name);
  return cert_wrap(x, k, out, error);
fail:
  openssl_reason(why, sizeof why, "allocation failed");
  g_set_error(error, SB_CERT_ERROR, SB_EIO, "cannot generate a certificate: %s", why);
  X509_NAME_free(name);
  X509_free(x);
  EVP_PKEY_free(k);
  return SB_EIO;
}

/* Opens `path` for reading as a BIO, or sets *error. */
static int open_file(const char *path, const char *what, BIO **out, GError **error) {
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) {
    g_set_error(error, SB_CERT_ERROR, SB_ENOTFOUND, "cannot open the %s file %s: %s", what,
                path ? path : "(none)", path ? g_strerror(errno) : "no path given");
    return SB_ENOTFOUND;
  }
  *out = BIO_new_fp(f, BIO_CLOSE);
  if (!*out) {
    fclose(f);
    ERR_clear_error();
    g_set_error(error, SB_CERT_ERROR, SB_ENOMEM, "cannot read %s: out of memory", path);
    return SB_ENOMEM;
  }
  return SB_OK;
}

/* A passphrase callback that refuses: encrypted keys are not supported. */
static int no_passphrase(char *buf, int size, int rwflag, void *u) { return -1; }

int sb_cert_load(const char *cert_path, const char *key_path, sb_cert **out, GError **error) {
  char why[256];
  X509 *x = NULL;
  EVP_PKEY *k = NULL;
  int rc;
  ERR_clear_error();
  BIO *b = NULL;
  if ((rc = open_file(cert_path, "certificate", &b, error)) < 0) return rc;
  x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL);
  BIO_free(b);
  if (!x) {
    openssl_reason(why, sizeof why, "no PEM certificate");
    g_set_error(error, SB_CERT_ERROR, SB_EINVAL, "%s holds no PEM certificate (%s)", cert_path,
                why);
    return SB_EINVAL;
  }
  if ((rc = open_file(key_path, "private key", &b, error)) < 0) {
    X509_free(x);
    return rc;
  }
  k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
  BIO_free(b);
  if (!k) {
    openssl_reason(why, sizeof why, "no PEM private key");
    g_set_error(error, SB_CERT_ERROR, SB_EINVAL, "%s holds no unencrypted PEM private key (%s)",
                key_path, why);
    X509_free(x);
    return SB_EINVAL;
  }
  if (X509_check_private_key(x, k) != 1) {
    ERR_clear_error();
    g_set_error(error, SB_CERT_ERROR, SB_EINVAL,
                "the private key %s does not belong to the certificate %s", key_path, cert_path);
    EVP_PKEY_free(k);
    X509_free(x);
    return SB_EINVAL;
  }
  return cert_wrap(x, k, out, error);
}

sb_cert *sb_cert_ref(sb_cert *cert) {
  g_return_val_if_fail(cert != NULL, NULL);
  g_atomic_int_inc(&cert->refs);
  return cert;
}

void sb_cert_unref(sb_cert *cert) {
  if (!cert || !g_atomic_int_dec_and_test(&cert->refs)) return;
  X509_free(cert->x509);
  EVP_PKEY_free(cert->pkey);
  g_free(cert);
}

const char *sb_cert_fingerprint(const sb_cert *cert) { return cert->fingerprint; }
X509 *sb_cert_x509(const sb_cert *cert) { return cert->x509; }
EVP_PKEY *sb_cert_pkey(const sb_cert *cert) { return cert->pkey; }
