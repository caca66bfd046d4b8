// SPDX-License-Identifier: MIT
/* cimctl --json output through json-c. */
#include <stdio.h>

#include "json_out.h"

void cimctl_json_print(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(obj);
}

struct json_object *cimctl_json_u64(struct json_object *obj, const char *key,
				    uint64_t v)
{
	json_object_object_add(obj, key, json_object_new_uint64(v));
	return obj;
}

struct json_object *cimctl_json_i64(struct json_object *obj, const char *key,
				    int64_t v)
{
	json_object_object_add(obj, key, json_object_new_int64(v));
	return obj;
}

struct json_object *cimctl_json_f64(struct json_object *obj, const char *key,
				    double v)
{
	json_object_object_add(obj, key, json_object_new_double(v));
	return obj;
}

struct json_object *cimctl_json_str(struct json_object *obj, const char *key,
				    const char *v)
{
	json_object_object_add(obj, key, json_object_new_string(v));
	return obj;
}

struct json_object *cimctl_json_null(struct json_object *obj, const char *key)
{
	json_object_object_add(obj, key, NULL);
	return obj;
}

struct json_object *cimctl_json_version(struct json_object *obj,
					const char *key, uint32_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%u.%u", v >> 16, v & 0xffff);
	return cimctl_json_str(obj, key, buf);
}
