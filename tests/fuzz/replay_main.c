/* replay_main.c - runs a fuzz target over its committed corpus without
 * libFuzzer, so every fuzzer's corpus is replayed under `make check` (with
 * ASan/UBSan in the test build). Reports one TAP result per corpus. The corpus
 * folder is SB_CORPUS_DIR (compiled in) or the first argument that is not an
 * option. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  const char *dir = SB_CORPUS_DIR;
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-') dir = argv[i];
  GError *err = NULL;
  GDir *d = g_dir_open(dir, 0, &err);
  printf("1..1\n");
  if (!d) {
    printf("not ok 1 - corpus %s: %s\n", dir, err->message);
    g_error_free(err);
    return 1;
  }
  unsigned n = 0;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    char *path = g_build_filename(dir, name, NULL);
    gchar *buf = NULL;
    gsize len = 0;
    if (g_file_get_contents(path, &buf, &len, NULL)) {
      /* Copy into an exact-size allocation so ASan catches reads past the end. */
      uint8_t *exact = g_malloc(len ? len : 1);
      memcpy(exact, buf, len);
      LLVMFuzzerTestOneInput(exact, len);
      g_free(exact);
      g_free(buf);
      n++;
    }
    g_free(path);
  }
  g_dir_close(d);
  printf("%s 1 - replayed %u corpus files from %s\n", n ? "ok" : "not ok", n, dir);
  return n ? 0 : 1;
}
