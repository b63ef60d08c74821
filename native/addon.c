/*
 * Amber's native addon: the few system calls Node.js does not offer (see src/native/). Each concept
 * is in its own file; this one registers their functions.
 */
#include <node_api.h>

#include "amber-native.h"

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
    {"dropCachedPages", NULL, amber_drop_cached_pages, NULL, NULL, NULL, napi_default, NULL},
    {"residentPages", NULL, amber_resident_pages, NULL, NULL, NULL, napi_default, NULL},
    {"scanDirectory", NULL, amber_scan_directory, NULL, NULL, NULL, napi_default, NULL},
    {"findCut", NULL, amber_find_cut, NULL, NULL, NULL, napi_default, NULL},
    {"fingerprint128", NULL, amber_fingerprint128, NULL, NULL, NULL, napi_default, NULL},
    {"adviseRange", NULL, amber_advise_range, NULL, NULL, NULL, napi_default, NULL},
    {"keepFreedMemory", NULL, amber_keep_freed_memory, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
