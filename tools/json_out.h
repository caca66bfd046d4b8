/* SPDX-License-Identifier: MIT */
/*
 * cimctl --json: objects built with json-c and printed one document per
 * line (monitor: one per sample, JSON Lines).  The fields of each
 * command are listed in docs/cimctl.md, "JSON output".
 */
#ifndef CIMCTL_JSON_OUT_H
#define CIMCTL_JSON_OUT_H

#include <stdint.h>
#include <json-c/json.h>

/* Print @obj on one line on stdout, then drop the reference. */
void cimctl_json_print(struct json_object *obj);

/* obj[key] = value; the add helpers return obj for chaining. */
struct json_object *cimctl_json_u64(struct json_object *obj, const char *key,
				    uint64_t v);
struct json_object *cimctl_json_i64(struct json_object *obj, const char *key,
				    int64_t v);
struct json_object *cimctl_json_f64(struct json_object *obj, const char *key,
				    double v);
struct json_object *cimctl_json_str(struct json_object *obj, const char *key,
				    const char *v);
/* obj[key] = null: a value the card or the driver does not report. */
struct json_object *cimctl_json_null(struct json_object *obj, const char *key);
/* "major.minor" of a major << 16 | minor version. */
struct json_object *cimctl_json_version(struct json_object *obj,
					const char *key, uint32_t v);

#endif /* CIMCTL_JSON_OUT_H */
