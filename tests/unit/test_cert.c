/* test_cert.c - unit tests for the DTLS certificate (cert.c): generation,
 * fingerprint format, PEM loading and its errors. Files go to a fresh
 * temporary folder that the test removes. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cert.h"
#include "core/error.h"

static gboolean is_sha256_fingerprint(const char *fp) {
  return g_regex_match_simple("^[0-9A-F]{2}(:[0-9A-F]{2}){31}$", fp, 0, 0);
}

static void test_generate(void) {
  sb_cert *c = NULL;
  GError *err = NULL;
  g_assert_cmpint(sb_cert_generate(&c, &err), ==, SB_OK);
  g_assert_no_error(err);
  g_assert_nonnull(c);
  const char *fp = sb_cert_fingerprint(c);
  g_assert_cmpuint(strlen(fp), ==, 95);
  g_assert_true(is_sha256_fingerprint(fp));

  X509 *x = sb_cert_x509(c);
  EVP_PKEY *k = sb_cert_pkey(c);
  /* ECDSA P-256 key, matching the certificate. */
  g_assert_cmpint(EVP_PKEY_get_base_id(k), ==, EVP_PKEY_EC);
  char group[32] = "";
  size_t glen = 0;
  g_assert_true(EVP_PKEY_get_group_name(k, group, sizeof group, &glen));
  g_assert_cmpstr(group, ==, "prime256v1");
  g_assert_cmpint(X509_check_private_key(x, k), ==, 1);
  /* Self-signed, CN "switchboard", v3, SHA-256 signature. */
  g_assert_cmpint(X509_verify(x, k), ==, 1);
  g_assert_cmpint(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), ==, 0);
  char cn[64] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
  g_assert_cmpstr(cn, ==, "switchboard");
  g_assert_cmpint(X509_get_version(x), ==, 2);
  g_assert_cmpint(X509_get_signature_nid(x), ==, NID_ecdsa_with_SHA256);
  /* Valid now, from about 30 days back, for about a year. */
  g_assert_cmpint(X509_cmp_current_time(X509_get0_notBefore(x)), <, 0);
  g_assert_cmpint(X509_cmp_current_time(X509_get0_notAfter(x)), >, 0);
  int days = 0, secs = 0;
  g_assert_true(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x)));
  g_assert_cmpint(days, ==, 395);
  /* A positive serial. */
  const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
  int64_t serial_value = 0;
  g_assert_cmpint(ASN1_INTEGER_get_int64(&serial_value, serial), ==, 1);
  g_assert_cmpint(serial_value, >, 0);

  /* The fingerprint is the SHA-256 of the DER form. */
  unsigned char *der = NULL;
  int der_len = i2d_X509(x, &der);
  g_assert_cmpint(der_len, >, 0);
  unsigned char md[32];
  g_assert_true(EVP_Digest(der, (size_t)der_len, md, NULL, EVP_sha256(), NULL));
  OPENSSL_free(der);
  char want[96];
  for (int i = 0; i < 32; i++)
    g_snprintf(want + i * 3, 4, "%02X%s", md[i], i < 31 ? ":" : "");
  g_assert_cmpstr(fp, ==, want);

  /* A second certificate differs in key, serial and fingerprint. */
  sb_cert *c2 = NULL;
  g_assert_cmpint(sb_cert_generate(&c2, NULL), ==, SB_OK);
  g_assert_cmpstr(sb_cert_fingerprint(c2), !=, fp);
  g_assert_cmpint(ASN1_INTEGER_cmp(X509_get0_serialNumber(sb_cert_x509(c2)), serial), !=, 0);
  sb_cert_unref(c2);

  /* Refcounting. */
  g_assert_true(sb_cert_ref(c) == c);
  sb_cert_unref(c);
  g_assert_cmpstr(sb_cert_fingerprint(c), ==, want);
  sb_cert_unref(c);
  sb_cert_unref(NULL);
}

static void test_fingerprint_x509(void) {
  sb_cert *c = NULL;
  g_assert_cmpint(sb_cert_generate(&c, NULL), ==, SB_OK);
  char buf[SB_CERT_FINGERPRINT_MAX];
  g_assert_cmpint(sb_cert_fingerprint_x509(sb_cert_x509(c), EVP_sha256(), buf, sizeof buf), ==,
                  SB_OK);
  g_assert_cmpstr(buf, ==, sb_cert_fingerprint(c));
  g_assert_cmpint(sb_cert_fingerprint_x509(sb_cert_x509(c), EVP_sha512(), buf, sizeof buf), ==,
                  SB_OK);
  g_assert_cmpuint(strlen(buf), ==, 64 * 3 - 1);
  /* Too small: SB_ENOSPC and nothing written. */
  char small[95];
  memset(small, 'x', sizeof small);
  g_assert_cmpint(sb_cert_fingerprint_x509(sb_cert_x509(c), EVP_sha256(), small, sizeof small), ==,
                  SB_ENOSPC);
  g_assert_cmpint(small[0], ==, 'x');
  g_assert_cmpint(sb_cert_fingerprint_x509(NULL, EVP_sha256(), buf, sizeof buf), ==, SB_EINVAL);
  sb_cert_unref(c);

  g_assert_true(sb_cert_digest_by_name("sha-256") == EVP_sha256());
  g_assert_true(sb_cert_digest_by_name("SHA-256") == EVP_sha256());
  g_assert_true(sb_cert_digest_by_name("sha-1") == EVP_sha1());
  g_assert_true(sb_cert_digest_by_name("sha-512") == EVP_sha512());
  g_assert_null(sb_cert_digest_by_name("md5"));
  g_assert_null(sb_cert_digest_by_name("sha256"));
  g_assert_null(sb_cert_digest_by_name(NULL));
}

/* Writes c's certificate and key as PEM into dir; returns the two paths. */
static void write_pem(sb_cert *c, const char *dir, const char *stem, char **cert_path,
                      char **key_path) {
  *cert_path = g_strdup_printf("%s/%s.crt", dir, stem);
  *key_path = g_strdup_printf("%s/%s.key", dir, stem);
  FILE *f = fopen(*cert_path, "w");
  g_assert_nonnull(f);
  g_assert_true(PEM_write_X509(f, sb_cert_x509(c)));
  fclose(f);
  f = fopen(*key_path, "w");
  g_assert_nonnull(f);
  g_assert_true(PEM_write_PrivateKey(f, sb_cert_pkey(c), NULL, NULL, 0, NULL, NULL));
  fclose(f);
}

static void remove_dir(char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name(d))) {
    char *p = g_build_filename(dir, n, NULL);
    g_unlink(p);
    g_free(p);
  }
  if (d) g_dir_close(d);
  g_rmdir(dir);
  g_free(dir);
}

static void test_load(void) {
  char *dir = g_dir_make_tmp("sb-cert-XXXXXX", NULL);
  g_assert_nonnull(dir);
  sb_cert *a = NULL, *b = NULL, *loaded = NULL;
  g_assert_cmpint(sb_cert_generate(&a, NULL), ==, SB_OK);
  g_assert_cmpint(sb_cert_generate(&b, NULL), ==, SB_OK);
  char *a_crt, *a_key, *b_crt, *b_key;
  write_pem(a, dir, "a", &a_crt, &a_key);
  write_pem(b, dir, "b", &b_crt, &b_key);

  /* Round trip: same certificate, same fingerprint. */
  GError *err = NULL;
  g_assert_cmpint(sb_cert_load(a_crt, a_key, &loaded, &err), ==, SB_OK);
  g_assert_no_error(err);
  g_assert_cmpstr(sb_cert_fingerprint(loaded), ==, sb_cert_fingerprint(a));
  g_assert_cmpint(X509_cmp(sb_cert_x509(loaded), sb_cert_x509(a)), ==, 0);
  sb_cert_unref(loaded);
  loaded = NULL;

  /* Certificate of a with key of b: refused, both files named. */
  g_assert_cmpint(sb_cert_load(a_crt, b_key, &loaded, &err), ==, SB_EINVAL);
  g_assert_error(err, SB_CERT_ERROR, SB_EINVAL);
  g_assert_nonnull(strstr(err->message, "does not belong"));
  g_assert_nonnull(strstr(err->message, a_crt));
  g_assert_nonnull(strstr(err->message, b_key));
  g_assert_null(loaded);
  g_clear_error(&err);

  /* Missing files. */
  char *missing = g_strdup_printf("%s/nope.pem", dir);
  g_assert_cmpint(sb_cert_load(missing, a_key, &loaded, &err), ==, SB_ENOTFOUND);
  g_assert_error(err, SB_CERT_ERROR, SB_ENOTFOUND);
  g_assert_nonnull(strstr(err->message, missing));
  g_assert_nonnull(strstr(err->message, "certificate"));
  g_clear_error(&err);
  g_assert_cmpint(sb_cert_load(a_crt, missing, &loaded, &err), ==, SB_ENOTFOUND);
  g_assert_error(err, SB_CERT_ERROR, SB_ENOTFOUND);
  g_assert_nonnull(strstr(err->message, "private key"));
  g_clear_error(&err);
  g_assert_cmpint(sb_cert_load(NULL, a_key, &loaded, NULL), ==, SB_ENOTFOUND);
  g_assert_null(loaded);

  /* Not PEM; key and certificate swapped. */
  char *junk = g_strdup_printf("%s/junk.pem", dir);
  g_assert_true(g_file_set_contents(junk, "hello\n", -1, NULL));
  g_assert_cmpint(sb_cert_load(junk, a_key, &loaded, &err), ==, SB_EINVAL);
  g_assert_error(err, SB_CERT_ERROR, SB_EINVAL);
  g_assert_nonnull(strstr(err->message, junk));
  g_clear_error(&err);
  g_assert_cmpint(sb_cert_load(a_crt, junk, &loaded, &err), ==, SB_EINVAL);
  g_assert_error(err, SB_CERT_ERROR, SB_EINVAL);
  g_clear_error(&err);
  g_assert_cmpint(sb_cert_load(a_key, a_crt, &loaded, &err), ==, SB_EINVAL);
  g_clear_error(&err);
  g_assert_null(loaded);

  g_free(missing);
  g_free(junk);
  g_free(a_crt);
  g_free(a_key);
  g_free(b_crt);
  g_free(b_key);
  sb_cert_unref(a);
  sb_cert_unref(b);
  remove_dir(dir);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cert/generate", test_generate);
  g_test_add_func("/cert/fingerprint-x509", test_fingerprint_x509);
  g_test_add_func("/cert/load", test_load);
  return g_test_run();
}
