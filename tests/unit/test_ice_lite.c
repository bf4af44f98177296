/* test_ice_lite.c - the ICE-lite responder (server/core/ice_lite.c) fed with
 * checks written the way a browser writes them: answers, address learning,
 * nomination, refusals that change nothing, ICE restart (the hard switch
 * of set_remote, and make before break with sb_ice_lite_restart). */
#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "core/ice_lite.h"
#include "core/stun.h"

#define LOCAL_UFRAG  "srvU"
#define LOCAL_PWD    "serverpassword0123456789"
#define REMOTE_UFRAG "brws"

typedef struct {
  const char *username;
  const char *key;
  bool use_candidate;
  bool integrity;
  uint16_t extra_attr; /* 0: none */
  uint16_t type;
} check_opts;

static size_t write_check(uint8_t *buf, size_t cap, const check_opts *o, uint8_t txid_byte) {
  uint8_t txid[SB_STUN_TXID_LEN];
  memset(txid, txid_byte, sizeof txid);
  sb_stun_writer w;
  sb_stun_writer_init(&w, buf, cap, o->type ? o->type : SB_STUN_BINDING_REQUEST, txid);
  if (o->username) sb_stun_put_bytes(&w, SB_STUN_ATTR_USERNAME, o->username, strlen(o->username));
  sb_stun_put_u32(&w, SB_STUN_ATTR_PRIORITY, 1845501695u);
  sb_stun_put_u64(&w, SB_STUN_ATTR_ICE_CONTROLLING, 0x1122334455667788ull);
  if (o->use_candidate) sb_stun_put_flag(&w, SB_STUN_ATTR_USE_CANDIDATE);
  if (o->extra_attr) sb_stun_put_u32(&w, o->extra_attr, 7);
  if (o->integrity) {
    const char *key = o->key ? o->key : LOCAL_PWD;
    sb_stun_put_integrity(&w, (const uint8_t *)key, strlen(key));
  }
  sb_stun_put_fingerprint(&w);
  int n = sb_stun_writer_finish(&w);
  g_assert_cmpint(n, >, 0);
  return (size_t)n;
}

static sb_stun_addr addr4(uint8_t last, uint16_t port) {
  sb_stun_addr a = {.family = 4, .port = port, .ip = {192, 0, 2, last}};
  return a;
}

static int handle(sb_ice_lite *a, const check_opts *o, const sb_stun_addr *from, int64_t now,
                  uint8_t *resp, sb_ice_lite_result *res) {
  uint8_t buf[512];
  size_t len = write_check(buf, sizeof buf, o, (uint8_t)now);
  sb_stun_msg m;
  g_assert_cmpint(sb_stun_parse(buf, len, &m), ==, SB_OK);
  return sb_ice_lite_handle(a, buf, len, &m, from, now, resp, 256, res);
}

static void new_agent(sb_ice_lite *a) {
  g_assert_cmpint(sb_ice_lite_init(a, LOCAL_UFRAG, LOCAL_PWD), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_set_remote(a, REMOTE_UFRAG), ==, SB_OK);
}

static const check_opts good = {.username = LOCAL_UFRAG ":" REMOTE_UFRAG, .integrity = true};

static void test_answer_and_select(void) {
  sb_ice_lite a;
  new_agent(&a);
  g_assert_null(sb_ice_lite_selected(&a));
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr from = addr4(10, 50000);
  g_assert_cmpint(handle(&a, &good, &from, 1000, resp, &res), ==, SB_OK);
  g_assert_true(res.added && res.selected_changed && !res.evicted);
  g_assert_true(sb_ice_lite_knows(&a, &from));
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &from));
  g_assert_false(a.nominated);
  g_assert_cmpint(a.last_rx_us, ==, 1000);

  /* The answer: a success response with the sender's address, signed with
   * our password, txid echoed. */
  sb_stun_msg m;
  g_assert_cmpuint(res.response_len, >, 0);
  g_assert_cmpint(sb_stun_parse(resp, res.response_len, &m), ==, SB_OK);
  g_assert_cmpuint(m.type, ==, SB_STUN_BINDING_SUCCESS);
  g_assert_cmpuint(m.txid[0], ==, (uint8_t)1000);
  g_assert_true(m.has_mapped && sb_stun_addr_equal(&m.mapped, &from));
  g_assert_true(m.has_fingerprint);
  g_assert_cmpint(sb_stun_check_integrity(resp, res.response_len, &m, (const uint8_t *)LOCAL_PWD,
                                          strlen(LOCAL_PWD)),
                  ==, SB_OK);

  /* The same address again: nothing new. */
  g_assert_cmpint(handle(&a, &good, &from, 2000, resp, &res), ==, SB_OK);
  g_assert_false(res.added || res.selected_changed);

  /* Another address is known but not selected until nominated. */
  sb_stun_addr other = addr4(11, 50001);
  g_assert_cmpint(handle(&a, &good, &other, 3000, resp, &res), ==, SB_OK);
  g_assert_true(res.added && !res.selected_changed);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &from));
  check_opts nominate = good;
  nominate.use_candidate = true;
  g_assert_cmpint(handle(&a, &nominate, &other, 4000, resp, &res), ==, SB_OK);
  g_assert_true(!res.added && res.selected_changed);
  g_assert_true(a.nominated);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &other));
  g_assert_cmpuint(a.checks, ==, 4);
}

/* Each refusal: the right error code in the answer, no state change. */
static void expect_refused(const check_opts *o, int want_rc, int want_code, bool signed_answer) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr from = addr4(20, 40000);
  g_assert_cmpint(handle(&a, o, &from, 5000, resp, &res), ==, want_rc);
  g_assert_false(res.added || res.selected_changed);
  g_assert_false(sb_ice_lite_knows(&a, &from));
  g_assert_null(sb_ice_lite_selected(&a));
  g_assert_cmpint(a.last_rx_us, ==, 0);
  g_assert_cmpuint(a.bad_checks, ==, 1);
  sb_stun_msg m;
  g_assert_cmpint(sb_stun_parse(resp, res.response_len, &m), ==, SB_OK);
  g_assert_cmpuint(m.type, ==, SB_STUN_BINDING_ERROR);
  g_assert_cmpint(m.error_code, ==, want_code);
  g_assert_cmpint(m.integrity_at != 0, ==, signed_answer);
}

static void test_refusals(void) {
  check_opts o = good;
  o.key = "wrongpassword0123456789x";
  expect_refused(&o, SB_ECRYPTO, 401, false);
  o = good;
  o.username = LOCAL_UFRAG ":other";
  expect_refused(&o, SB_ECRYPTO, 401, false);
  o = good;
  o.username = "srvUx:" REMOTE_UFRAG;
  expect_refused(&o, SB_ECRYPTO, 401, false);
  o = good;
  o.integrity = false;
  expect_refused(&o, SB_EINVAL, 400, false);
  o = good;
  o.username = NULL;
  expect_refused(&o, SB_EINVAL, 400, false);
  o = good;
  o.extra_attr = 0x0031; /* comprehension-required, unknown here */
  expect_refused(&o, SB_EUNSUPPORTED, 420, true);
}

static void test_not_a_request(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr from = addr4(30, 1234);
  check_opts o = good;
  o.type = SB_STUN_BINDING_INDICATION;
  g_assert_cmpint(handle(&a, &o, &from, 1, resp, &res), ==, SB_ENOTFOUND);
  g_assert_cmpuint(res.response_len, ==, 0);
  o.type = SB_STUN_BINDING_SUCCESS;
  g_assert_cmpint(handle(&a, &o, &from, 1, resp, &res), ==, SB_ENOTFOUND);
  g_assert_null(sb_ice_lite_selected(&a));
}

static void test_eviction_keeps_selected(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr first = addr4(1, 1000);
  g_assert_cmpint(handle(&a, &good, &first, 10, resp, &res), ==, SB_OK);
  for (uint8_t i = 2; i <= SB_ICE_LITE_MAX_ADDRS; i++) {
    sb_stun_addr x = addr4(i, (uint16_t)(1000 + i));
    g_assert_cmpint(handle(&a, &good, &x, 10 + i, resp, &res), ==, SB_OK);
    g_assert_false(res.evicted);
  }
  /* Full: the next one evicts the oldest that is not selected (#2). */
  sb_stun_addr next = addr4(99, 9999);
  g_assert_cmpint(handle(&a, &good, &next, 100, resp, &res), ==, SB_OK);
  g_assert_true(res.added && res.evicted);
  sb_stun_addr two = addr4(2, 1002);
  g_assert_true(sb_stun_addr_equal(&res.evicted_addr, &two));
  g_assert_false(sb_ice_lite_knows(&a, &two));
  g_assert_true(sb_ice_lite_knows(&a, &first));
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &first));
}

static void test_restart_and_credentials(void) {
  sb_ice_lite a;
  g_assert_cmpint(sb_ice_lite_init(&a, "abc", LOCAL_PWD), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_lite_init(&a, LOCAL_UFRAG, "short"), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_lite_init(&a, "sr:U", LOCAL_PWD), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_lite_init(&a, LOCAL_UFRAG, LOCAL_PWD), ==, SB_OK);
  /* Before the browser's ufrag is known, the integrity alone decides. */
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr from = addr4(5, 5555);
  g_assert_cmpint(handle(&a, &good, &from, 1, resp, &res), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_set_remote(&a, "b d"), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_lite_set_remote(&a, REMOTE_UFRAG), ==, SB_OK);
  g_assert_true(sb_ice_lite_knows(&a, &from)); /* same ufrag: kept */
  g_assert_cmpint(sb_ice_lite_set_remote(&a, "newU"), ==, SB_OK);
  g_assert_false(sb_ice_lite_knows(&a, &from)); /* restart: forgotten */
  g_assert_null(sb_ice_lite_selected(&a));
  g_assert_cmpint(handle(&a, &good, &from, 2, resp, &res), ==, SB_ECRYPTO); /* old ufrag */
  check_opts o = good;
  o.username = LOCAL_UFRAG ":newU";
  g_assert_cmpint(handle(&a, &o, &from, 3, resp, &res), ==, SB_OK);
}

/* A check with these credentials (username "<local>:<remote>", signed
 * with pwd). */
static check_opts creds(const char *username, const char *pwd, bool use_candidate) {
  check_opts o = {
      .username = username, .key = pwd, .integrity = true, .use_candidate = use_candidate};
  return o;
}

/* The response parses, is a success (or the error `code`) and carries
 * MESSAGE-INTEGRITY made with `pwd` (and not with `not_pwd`). */
static void expect_response(const uint8_t *resp, const sb_ice_lite_result *res, int code,
                            const char *pwd, const char *not_pwd) {
  sb_stun_msg m;
  g_assert_cmpuint(res->response_len, >, 0);
  g_assert_cmpint(sb_stun_parse(resp, res->response_len, &m), ==, SB_OK);
  if (code) {
    g_assert_cmpuint(m.type, ==, SB_STUN_BINDING_ERROR);
    g_assert_cmpint(m.error_code, ==, code);
  } else {
    g_assert_cmpuint(m.type, ==, SB_STUN_BINDING_SUCCESS);
  }
  if (pwd)
    g_assert_cmpint(
        sb_stun_check_integrity(resp, res->response_len, &m, (const uint8_t *)pwd, strlen(pwd)), ==,
        SB_OK);
  if (not_pwd)
    g_assert_cmpint(sb_stun_check_integrity(resp, res->response_len, &m, (const uint8_t *)not_pwd,
                                            strlen(not_pwd)),
                    !=, SB_OK);
}

#define NEW_UFRAG  "srv2"
#define NEW_PWD    "newserverpassword0123456"
#define NEW_REMOTE "brw2"

/* Make before break: the old generation works until the new one's first
 * valid check, is refused after it; the new address is selected at once,
 * the old one stays known for data until the new generation nominates. */
static void test_restart_make_before_break(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr old_addr = addr4(10, 50000), new_addr = addr4(20, 50002);
  check_opts old_nom = creds(LOCAL_UFRAG ":" REMOTE_UFRAG, LOCAL_PWD, true);
  g_assert_cmpint(handle(&a, &old_nom, &old_addr, 100, resp, &res), ==, SB_OK);
  g_assert_true(a.nominated);

  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, NEW_PWD, NEW_REMOTE), ==, SB_OK);
  g_assert_true(a.restarting);
  g_assert_cmpstr(a.ufrag, ==, NEW_UFRAG); /* for the answer */
  g_assert_cmpstr(a.pwd, ==, NEW_PWD);
  g_assert_cmpstr(a.remote_ufrag, ==, NEW_REMOTE);
  /* Nothing forgotten yet: media goes on over the old pair. */
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &old_addr));
  g_assert_true(sb_ice_lite_knows(&a, &old_addr));

  /* The old generation's consent checks are still answered, with its
   * password. */
  check_opts old_check = creds(LOCAL_UFRAG ":" REMOTE_UFRAG, LOCAL_PWD, false);
  g_assert_cmpint(handle(&a, &old_check, &old_addr, 200, resp, &res), ==, SB_OK);
  expect_response(resp, &res, 0, LOCAL_PWD, NEW_PWD);
  g_assert_false(res.restarted || res.selected_changed || res.added);
  g_assert_cmpint(a.last_rx_us, ==, 200);
  /* Mixed generations are no one's: 401. */
  check_opts mixed = creds(NEW_UFRAG ":" REMOTE_UFRAG, NEW_PWD, false);
  g_assert_cmpint(handle(&a, &mixed, &new_addr, 250, resp, &res), ==, SB_ECRYPTO);
  mixed = creds(LOCAL_UFRAG ":" NEW_REMOTE, LOCAL_PWD, false);
  g_assert_cmpint(handle(&a, &mixed, &new_addr, 260, resp, &res), ==, SB_ECRYPTO);
  mixed = creds(NEW_UFRAG ":" NEW_REMOTE, LOCAL_PWD, false); /* old password */
  g_assert_cmpint(handle(&a, &mixed, &new_addr, 270, resp, &res), ==, SB_ECRYPTO);
  g_assert_true(a.restarting);
  g_assert_false(sb_ice_lite_knows(&a, &new_addr));
  g_assert_cmpuint(a.bad_checks, ==, 3);

  /* The new generation's first check (not nominating) takes over. */
  check_opts new_check = creds(NEW_UFRAG ":" NEW_REMOTE, NEW_PWD, false);
  g_assert_cmpint(handle(&a, &new_check, &new_addr, 300, resp, &res), ==, SB_OK);
  expect_response(resp, &res, 0, NEW_PWD, LOCAL_PWD);
  g_assert_true(res.restarted && res.added && res.selected_changed && !res.evicted);
  g_assert_cmpuint(res.n_forgotten, ==, 0);
  g_assert_false(a.restarting);
  g_assert_cmpuint(a.restarts, ==, 1);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &new_addr));
  g_assert_false(a.nominated);
  g_assert_true(sb_ice_lite_knows(&a, &old_addr)); /* data from it still counts */
  g_assert_cmpuint(a.n_addrs, ==, 2);

  /* From now on the old credentials are refused, from any address. */
  uint64_t bad = a.bad_checks;
  g_assert_cmpint(handle(&a, &old_check, &old_addr, 400, resp, &res), ==, SB_ECRYPTO);
  expect_response(resp, &res, 401, NULL, NULL);
  g_assert_cmpint(handle(&a, &old_nom, &new_addr, 410, resp, &res), ==, SB_ECRYPTO);
  g_assert_cmpuint(a.bad_checks, ==, bad + 2);
  g_assert_cmpint(a.last_rx_us, ==, 300);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &new_addr));

  /* The new generation nominates: the old address is forgotten. */
  check_opts new_nom = creds(NEW_UFRAG ":" NEW_REMOTE, NEW_PWD, true);
  g_assert_cmpint(handle(&a, &new_nom, &new_addr, 500, resp, &res), ==, SB_OK);
  g_assert_false(res.restarted || res.added || res.selected_changed);
  g_assert_cmpuint(res.n_forgotten, ==, 1);
  g_assert_true(sb_stun_addr_equal(&res.forgotten[0], &old_addr));
  g_assert_false(sb_ice_lite_knows(&a, &old_addr));
  g_assert_cmpuint(a.n_addrs, ==, 1);
  g_assert_true(a.nominated);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &new_addr));
  g_assert_cmpuint(a.checks, ==, 4);
}

/* The browser restarts from the address it used before: checked again in
 * the new generation, it is a new-generation address and stays. */
static void test_restart_same_address(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr x = addr4(1, 1111), y = addr4(2, 2222);
  check_opts old_check = creds(LOCAL_UFRAG ":" REMOTE_UFRAG, LOCAL_PWD, false);
  g_assert_cmpint(handle(&a, &old_check, &x, 1, resp, &res), ==, SB_OK);
  g_assert_cmpint(handle(&a, &old_check, &y, 2, resp, &res), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, NEW_PWD, NEW_REMOTE), ==, SB_OK);
  check_opts new_nom = creds(NEW_UFRAG ":" NEW_REMOTE, NEW_PWD, true);
  g_assert_cmpint(handle(&a, &new_nom, &x, 3, resp, &res), ==, SB_OK);
  g_assert_true(res.restarted && !res.added && !res.selected_changed);
  g_assert_cmpuint(res.n_forgotten, ==, 1);
  g_assert_true(sb_stun_addr_equal(&res.forgotten[0], &y));
  g_assert_true(sb_ice_lite_knows(&a, &x));
  g_assert_false(sb_ice_lite_knows(&a, &y));
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &x));
}

/* A second restart before the first one's checks came replaces it: the
 * generation in use stays, the replaced one is never accepted. */
static void test_restart_replaced(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr x = addr4(1, 1111), y = addr4(2, 2222);
  check_opts gen1 = creds(LOCAL_UFRAG ":" REMOTE_UFRAG, LOCAL_PWD, true);
  g_assert_cmpint(handle(&a, &gen1, &x, 1, resp, &res), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, NEW_PWD, NEW_REMOTE), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_restart(&a, "srv3", "thirdserverpassword01234", "brw3"), ==, SB_OK);
  g_assert_cmpstr(a.old_ufrag, ==, LOCAL_UFRAG);
  g_assert_cmpint(handle(&a, &gen1, &x, 2, resp, &res), ==, SB_OK);
  check_opts gen2 = creds(NEW_UFRAG ":" NEW_REMOTE, NEW_PWD, true);
  g_assert_cmpint(handle(&a, &gen2, &y, 3, resp, &res), ==, SB_ECRYPTO);
  check_opts gen3 = creds("srv3:brw3", "thirdserverpassword01234", false);
  g_assert_cmpint(handle(&a, &gen3, &y, 4, resp, &res), ==, SB_OK);
  g_assert_true(res.restarted);
  g_assert_cmpint(handle(&a, &gen1, &x, 5, resp, &res), ==, SB_ECRYPTO);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &y));
  g_assert_cmpuint(a.restarts, ==, 1);
}

/* The browser alone restarts (in its answer to our offer): our credentials
 * stay, its ufrag tells the generations apart. */
static void test_restart_remote_only(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr x = addr4(1, 1111), y = addr4(2, 2222);
  check_opts gen1 = creds(LOCAL_UFRAG ":" REMOTE_UFRAG, LOCAL_PWD, true);
  g_assert_cmpint(handle(&a, &gen1, &x, 1, resp, &res), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_restart(&a, NULL, NULL, NEW_REMOTE), ==, SB_OK);
  g_assert_true(a.restarting);
  g_assert_cmpstr(a.ufrag, ==, LOCAL_UFRAG);
  g_assert_cmpstr(a.pwd, ==, LOCAL_PWD);
  g_assert_cmpint(handle(&a, &gen1, &x, 2, resp, &res), ==, SB_OK);
  check_opts gen2 = creds(LOCAL_UFRAG ":" NEW_REMOTE, LOCAL_PWD, true);
  g_assert_cmpint(handle(&a, &gen2, &y, 3, resp, &res), ==, SB_OK);
  g_assert_true(res.restarted && res.added && res.selected_changed);
  g_assert_cmpuint(res.n_forgotten, ==, 1);
  g_assert_true(sb_stun_addr_equal(&res.forgotten[0], &x));
  g_assert_cmpint(handle(&a, &gen1, &x, 4, resp, &res), ==, SB_ECRYPTO);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &y));
}

static void test_restart_bad_or_same(void) {
  sb_ice_lite a;
  new_agent(&a);
  g_assert_cmpint(sb_ice_lite_restart(&a, NULL, NULL, "b d"), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, NULL, NEW_REMOTE), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, "short", NEW_REMOTE), ==, SB_EINVAL);
  g_assert_cmpint(sb_ice_lite_restart(&a, "ab", NEW_PWD, NEW_REMOTE), ==, SB_EINVAL);
  g_assert_false(a.restarting);
  g_assert_cmpstr(a.ufrag, ==, LOCAL_UFRAG);
  g_assert_cmpstr(a.remote_ufrag, ==, REMOTE_UFRAG);
  /* The same credentials: no restart. */
  g_assert_cmpint(sb_ice_lite_restart(&a, NULL, NULL, REMOTE_UFRAG), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_restart(&a, LOCAL_UFRAG, LOCAL_PWD, REMOTE_UFRAG), ==, SB_OK);
  g_assert_false(a.restarting);
  /* Restarting back to the generation in use ends the restart. */
  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, NEW_PWD, NEW_REMOTE), ==, SB_OK);
  g_assert_true(a.restarting);
  g_assert_cmpint(sb_ice_lite_restart(&a, LOCAL_UFRAG, LOCAL_PWD, REMOTE_UFRAG), ==, SB_OK);
  g_assert_false(a.restarting);
  /* The legacy hard switch (set_remote with another ufrag) ends a restart. */
  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, NEW_PWD, NEW_REMOTE), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_set_remote(&a, "brw9"), ==, SB_OK);
  g_assert_false(a.restarting);
}

/* A full table during a restart: addresses of the old generation go first
 * (oldest first), the selected one is kept while it is selected. */
static void test_restart_eviction(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  check_opts gen1 = creds(LOCAL_UFRAG ":" REMOTE_UFRAG, LOCAL_PWD, false);
  for (uint8_t i = 1; i <= SB_ICE_LITE_MAX_ADDRS; i++) {
    sb_stun_addr x = addr4(i, (uint16_t)(1000 + i));
    g_assert_cmpint(handle(&a, &gen1, &x, 10 + i, resp, &res), ==, SB_OK);
  }
  sb_stun_addr one = addr4(1, 1001), two = addr4(2, 1002);
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &one));
  g_assert_cmpint(sb_ice_lite_restart(&a, NEW_UFRAG, NEW_PWD, NEW_REMOTE), ==, SB_OK);
  check_opts gen2 = creds(NEW_UFRAG ":" NEW_REMOTE, NEW_PWD, false);
  /* #1 (seen at 11) is still selected when #99 comes: #2 (12) goes. */
  sb_stun_addr n1 = addr4(99, 9999), n2 = addr4(98, 9998);
  g_assert_cmpint(handle(&a, &gen2, &n1, 100, resp, &res), ==, SB_OK);
  g_assert_true(res.restarted && res.evicted);
  g_assert_true(sb_stun_addr_equal(&res.evicted_addr, &two));
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &n1));
  /* Now #1 is an old address like the others, and the oldest: it goes,
   * before #99 (new generation, selected anyway). */
  g_assert_cmpint(handle(&a, &gen2, &n2, 101, resp, &res), ==, SB_OK);
  g_assert_true(res.evicted && !res.restarted);
  g_assert_true(sb_stun_addr_equal(&res.evicted_addr, &one));
  g_assert_true(sb_stun_addr_equal(sb_ice_lite_selected(&a), &n1));
  g_assert_true(sb_ice_lite_knows(&a, &n2));
}

static void test_local_ufrag_of(void) {
  uint8_t buf[512];
  check_opts o = good;
  size_t len = write_check(buf, sizeof buf, &o, 1);
  sb_stun_msg m;
  g_assert_cmpint(sb_stun_parse(buf, len, &m), ==, SB_OK);
  char out[16], tiny[4];
  g_assert_cmpint(sb_ice_lite_local_ufrag_of(&m, out, sizeof out), ==, SB_OK);
  g_assert_cmpstr(out, ==, LOCAL_UFRAG);
  g_assert_cmpint(sb_ice_lite_local_ufrag_of(&m, tiny, sizeof tiny), ==, SB_ENOSPC);
  o.username = "nocolon";
  len = write_check(buf, sizeof buf, &o, 1);
  g_assert_cmpint(sb_stun_parse(buf, len, &m), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_local_ufrag_of(&m, out, sizeof out), ==, SB_ENOTFOUND);
  o.username = NULL;
  len = write_check(buf, sizeof buf, &o, 1);
  g_assert_cmpint(sb_stun_parse(buf, len, &m), ==, SB_OK);
  g_assert_cmpint(sb_ice_lite_local_ufrag_of(&m, out, sizeof out), ==, SB_ENOTFOUND);
}

static void test_ipv6(void) {
  sb_ice_lite a;
  new_agent(&a);
  uint8_t resp[256];
  sb_ice_lite_result res;
  sb_stun_addr v6 = {.family = 6, .port = 61000, .ip = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
  g_assert_cmpint(handle(&a, &good, &v6, 1, resp, &res), ==, SB_OK);
  sb_stun_msg m;
  g_assert_cmpint(sb_stun_parse(resp, res.response_len, &m), ==, SB_OK);
  g_assert_true(sb_stun_addr_equal(&m.mapped, &v6));
  sb_stun_addr v4 = addr4(1, 61000);
  g_assert_false(sb_ice_lite_knows(&a, &v4));
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ice-lite/answer-and-select", test_answer_and_select);
  g_test_add_func("/ice-lite/refusals", test_refusals);
  g_test_add_func("/ice-lite/not-a-request", test_not_a_request);
  g_test_add_func("/ice-lite/eviction-keeps-selected", test_eviction_keeps_selected);
  g_test_add_func("/ice-lite/restart-and-credentials", test_restart_and_credentials);
  g_test_add_func("/ice-lite/restart/make-before-break", test_restart_make_before_break);
  g_test_add_func("/ice-lite/restart/same-address", test_restart_same_address);
  g_test_add_func("/ice-lite/restart/replaced", test_restart_replaced);
  g_test_add_func("/ice-lite/restart/remote-only", test_restart_remote_only);
  g_test_add_func("/ice-lite/restart/bad-or-same", test_restart_bad_or_same);
  g_test_add_func("/ice-lite/restart/eviction", test_restart_eviction);
  g_test_add_func("/ice-lite/local-ufrag-of", test_local_ufrag_of);
  g_test_add_func("/ice-lite/ipv6", test_ipv6);
  return g_test_run();
}
