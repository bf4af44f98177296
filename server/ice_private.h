/* ice_private.h - private to the ICE adapter (ice.c, ice_nice.c,
 * ice_mux.c): the two backends behind sb_ice and the checks they share.
 * ICE-lite runs on the worker's UDP mux (ice_mux.c); full ICE runs on a
 * libnice agent (ice_nice.c). Nothing else includes this. */
#ifndef SB_ICE_PRIVATE_H
#define SB_ICE_PRIVATE_H

#include "ice.h"

typedef struct {
  void (*free)(sb_ice *ice);
  void (*local_credentials)(const sb_ice *ice, const char **ufrag, const char **pwd);
  int (*gather)(sb_ice *ice);
  int (*set_remote_credentials)(sb_ice *ice, const char *ufrag, const char *pwd);
  /* credentials checked by ice.c, gathered already */
  int (*restart)(sb_ice *ice, const char *ufrag, const char *pwd, bool new_local);
  /* candidate: NULL for the end, else checked by sb_ice_check_candidate */
  int (*add_remote_candidate)(sb_ice *ice, const char *candidate);
  int (*send)(sb_ice *ice, const uint8_t *data, size_t len);
  uint8_t *(*tx_buffer)(sb_ice *ice, size_t *cap); /* NULL: none */
  sb_ice_state (*get_state)(const sb_ice *ice);
  int (*selected_pair)(sb_ice *ice, char *local, size_t local_len, char *remote, size_t remote_len);
} sb_ice_ops;

/* Every backend's struct starts with this. */
struct sb_ice {
  const sb_ice_ops *ops;
  bool gathered; /* set by ice.c once gather succeeded */
};

sb_ice *sb_ice_nice_new(GMainContext *ctx, const sb_ice_config *cfg, const sb_ice_callbacks *cb,
                        void *user);
sb_ice *sb_ice_mux_new(GMainContext *ctx, const sb_ice_config *cfg, const sb_ice_callbacks *cb,
                       void *user);

/* Most datagrams a backend sends or receives. */
#define SB_ICE_MAX_DATAGRAM 65507

#endif
