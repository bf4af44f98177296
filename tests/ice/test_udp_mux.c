/* test_udp_mux.c - the worker socket (udp_mux.c) over real UDP on
 * 127.0.0.1: what a handler may send while a received batch is delivered
 * and that it arrives intact - a datagram built in the slot
 * sb_udp_mux_tx_reserve lends, the received datagram itself changed and
 * grown in place up to its capacity, a stack buffer reused at once (the
 * mux copies it) - and a video-frame-like run of equal-size datagrams to one
 * destination interleaved with another destination's, which must leave in
 * order per destination, intact, and (where the kernel has UDP GSO) in GSO
 * messages. Outside a batch there is no slot to lend and sends go at once.
 * Runs in its own network namespace (run_ice.sh with SB_NETNS_TEST). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "net_addr.h"
#include "udp_mux.h"

#define TIMEOUT_US (3 * G_USEC_PER_SEC)
#define RUN_LEN    1000 /* bytes of each full datagram of the run */
#define RUN_FULL   5    /* full datagrams per destination */
#define RUN_LAST   300  /* the shorter last one */

typedef struct {
  GMainContext *ctx;
  sb_udp_mux *mux;
  int cli, cli2; /* two receivers */
  sb_stun_addr cli_addr, cli2_addr, mux_addr;
  int handled;
  bool reserve_ok;
} fixture;

static int udp_socket(sb_stun_addr *bound) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  g_assert_cmpint(fd, >=, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof sa), ==, 0);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  g_assert_cmpint(getsockname(fd, (struct sockaddr *)&ss, &sl), ==, 0);
  g_assert_true(sb_net_addr_from_sockaddr(&ss, bound));
  return fd;
}

/* What the handler does depends on the datagram's first byte (>= 4, so the
 * mux does not take it for STUN). */
static void on_data(void *user, uint8_t *data, size_t len, size_t cap) {
  fixture *f = user;
  f->handled++;
  g_assert_cmpuint(cap, >=, len);
  switch (data[0]) {
  case 'R': { /* build the reply in the lent slot */
    size_t room = 0;
    uint8_t *slot = sb_udp_mux_tx_reserve(f->mux, &room);
    f->reserve_ok = slot != NULL && room == SB_UDP_MUX_SLOT;
    g_assert_nonnull(slot);
    memcpy(slot, "reply:", 6);
    memcpy(slot + 6, data, len);
    g_assert_cmpint(sb_udp_mux_send(f->mux, &f->cli_addr, slot, len + 6), ==, SB_OK);
    break;
  }
  case 'I': /* change the received datagram in place and grow it to cap */
    g_assert_cmpuint(cap, ==, SB_UDP_MUX_SLOT);
    for (size_t i = 1; i < len; i++)
      data[i] = (uint8_t)g_ascii_toupper(data[i]);
    memset(data + len, 0x5a, cap - len);
    g_assert_cmpint(sb_udp_mux_send(f->mux, &f->cli_addr, data, cap), ==, SB_OK);
    break;
  case 'S': { /* a stack buffer, overwritten as soon as it is handed over */
    uint8_t buf[64];
    memcpy(buf, "stack", 5);
    g_assert_cmpint(sb_udp_mux_send(f->mux, &f->cli_addr, buf, 5), ==, SB_OK);
    memset(buf, 0xee, sizeof buf);
    break;
  }
  case 'G': /* a run to each receiver, interleaved */
    for (int k = 0; k <= RUN_FULL; k++) {
      for (int who = 0; who < 2; who++) {
        size_t n = k < RUN_FULL ? RUN_LEN : RUN_LAST;
        size_t room = 0;
        uint8_t *slot = sb_udp_mux_tx_reserve(f->mux, &room);
        g_assert_nonnull(slot);
        memset(slot, 0x40 + k, n);
        slot[0] = (uint8_t)k;
        slot[1] = (uint8_t)who;
        g_assert_cmpint(sb_udp_mux_send(f->mux, who ? &f->cli2_addr : &f->cli_addr, slot, n), ==,
                        SB_OK);
      }
    }
    break;
  default: g_assert_not_reached();
  }
}

static void on_stun(void *user, const uint8_t *data, size_t len, const sb_stun_msg *m,
                    const sb_stun_addr *from) {
  (void)user, (void)data, (void)len, (void)m, (void)from;
  g_assert_not_reached();
}

static const sb_udp_mux_handler handler = {.on_stun = on_stun, .on_data = on_data};

static void setup(fixture *f, gconstpointer unused) {
  (void)unused;
  char why[256];
  f->ctx = g_main_context_new();
  g_assert_cmpint(sb_udp_mux_new(f->ctx, "127.0.0.1", 0, 0, &f->mux, why, sizeof why), ==, SB_OK);
  g_assert_true(sb_net_addr_parse("127.0.0.1", &f->mux_addr));
  f->mux_addr.port = sb_udp_mux_port(f->mux);
  f->cli = udp_socket(&f->cli_addr);
  f->cli2 = udp_socket(&f->cli2_addr);
  g_assert_cmpint(sb_udp_mux_bind_addr(f->mux, &f->cli_addr, &handler, f), ==, SB_OK);
}

static void teardown(fixture *f, gconstpointer unused) {
  (void)unused;
  sb_udp_mux_free(f->mux);
  close(f->cli);
  close(f->cli2);
  g_main_context_unref(f->ctx);
}

static void client_send(fixture *f, const char *text) {
  struct sockaddr_storage ss;
  socklen_t sl = sb_net_addr_to_sockaddr(&f->mux_addr, &ss);
  g_assert_cmpint(sendto(f->cli, text, strlen(text), 0, (struct sockaddr *)&ss, sl), ==,
                  (ssize_t)strlen(text));
}

/* The next datagram on fd, iterating the mux's context until it comes. */
static ssize_t client_recv(fixture *f, int fd, uint8_t *buf, size_t cap) {
  gint64 end = g_get_monotonic_time() + TIMEOUT_US;
  while (g_get_monotonic_time() < end) {
    ssize_t n = recv(fd, buf, cap, 0);
    if (n >= 0) return n;
    g_assert_cmpint(errno, ==, EAGAIN);
    g_main_context_iteration(f->ctx, FALSE);
    g_usleep(200);
  }
  return -1;
}

static void test_sends_during_batch(fixture *f, gconstpointer unused) {
  (void)unused;
  uint8_t buf[4096];
  client_send(f, "Rhello");
  ssize_t n = client_recv(f, f->cli, buf, sizeof buf);
  g_assert_cmpint(n, ==, 12);
  g_assert_cmpmem(buf, 12, "reply:Rhello", 12);
  g_assert_true(f->reserve_ok);

  client_send(f, "Iloud");
  n = client_recv(f, f->cli, buf, sizeof buf);
  g_assert_cmpint(n, ==, SB_UDP_MUX_SLOT);
  g_assert_cmpmem(buf, 5, "ILOUD", 5);
  for (int i = 5; i < SB_UDP_MUX_SLOT; i++)
    g_assert_cmpuint(buf[i], ==, 0x5a);

  client_send(f, "S");
  n = client_recv(f, f->cli, buf, sizeof buf);
  g_assert_cmpint(n, ==, 5);
  g_assert_cmpmem(buf, 5, "stack", 5);
  g_assert_cmpint(f->handled, ==, 3);
}

static bool kernel_has_gso(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0), zero = 0;
  bool ok = setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof zero) == 0;
  close(fd);
  return ok;
}

static void test_runs_in_order_and_grouped(fixture *f, gconstpointer unused) {
  (void)unused;
  uint8_t buf[4096];
  sb_udp_mux_stats before, after;
  sb_udp_mux_get_stats(f->mux, &before);
  client_send(f, "G");
  for (int who = 0; who < 2; who++) {
    for (int k = 0; k <= RUN_FULL; k++) {
      ssize_t n = client_recv(f, who ? f->cli2 : f->cli, buf, sizeof buf);
      g_assert_cmpint(n, ==, k < RUN_FULL ? RUN_LEN : RUN_LAST);
      g_assert_cmpuint(buf[0], ==, k); /* in order */
      g_assert_cmpuint(buf[1], ==, who);
      for (ssize_t i = 2; i < n; i++)
        g_assert_cmpuint(buf[i], ==, 0x40 + k);
    }
    g_assert_cmpint(recv(who ? f->cli2 : f->cli, buf, sizeof buf, 0), ==, -1); /* no more */
  }
  sb_udp_mux_get_stats(f->mux, &after);
  g_assert_cmpuint(after.tx_packets - before.tx_packets, ==, 2 * (RUN_FULL + 1));
  g_assert_cmpuint(after.tx_errors, ==, before.tx_errors);
  if (kernel_has_gso() && g_strcmp0(g_getenv("SB_UDP_GSO"), "0") != 0) {
    /* Each receiver's run is one message: 12 datagrams in 2 messages. */
    g_assert_cmpuint(after.tx_gso_packets - before.tx_gso_packets, ==, 2 * (RUN_FULL + 1));
  } else {
    g_test_message("no UDP GSO in this kernel: sent one by one");
  }
}

static void test_outside_batch(fixture *f, gconstpointer unused) {
  (void)unused;
  size_t room = 123;
  g_assert_null(sb_udp_mux_tx_reserve(f->mux, &room));
  g_assert_cmpuint(room, ==, 123);
  gint64 t0 = g_get_monotonic_time();
  gint64 now = sb_udp_mux_now();
  g_assert_cmpint(now, >=, t0);
  uint8_t msg[] = "timer";
  g_assert_cmpint(sb_udp_mux_send(f->mux, &f->cli_addr, msg, 5), ==, SB_OK);
  memset(msg, 0, sizeof msg);
  uint8_t buf[64];
  ssize_t n = recv(f->cli, buf, sizeof buf, 0); /* sent at once: no iteration needed */
  g_assert_cmpint(n, ==, 5);
  g_assert_cmpmem(buf, 5, "timer", 5);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add("/udp_mux/sends-during-batch", fixture, NULL, setup, test_sends_during_batch,
             teardown);
  g_test_add("/udp_mux/runs-in-order-and-grouped", fixture, NULL, setup,
             test_runs_in_order_and_grouped, teardown);
  g_test_add("/udp_mux/outside-batch", fixture, NULL, setup, test_outside_batch, teardown);
  return g_test_run();
}
