// SPDX-License-Identifier: MIT
/* A card's sysfs files, found through libcim's discovery. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_sysfs.h"

int cimctl_card_of(struct cim_dev *dev, struct cim_card_info *ci)
{
	struct cim_card_info *all;
	int n, i, r = -ENODEV;

	n = cim_list(NULL, 0);
	if (n <= 0)
		return n < 0 ? n : -ENODEV;
	all = calloc(n, sizeof(*all));
	if (!all)
		return -ENOMEM;
	n = cim_list(all, n);
	for (i = 0; i < n; i++) {
		if (!strcmp(all[i].devnode, cim_dev_path(dev))) {
			*ci = all[i];
			r = 0;
			break;
		}
	}
	free(all);
	return r;
}

int cimctl_sysfs_str(const struct cim_card_info *ci, const char *rel,
		     char *buf, size_t len)
{
	char pat[512];
	glob_t g;
	FILE *f;
	int r = 0;

	snprintf(pat, sizeof(pat), "%s/device/%s", ci->syspath, rel);
	if (glob(pat, 0, NULL, &g))
		return -ENOENT;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		r = -EIO;
	else
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
	return r;
}

int cimctl_sysfs_u64(const struct cim_card_info *ci, const char *rel,
		     uint64_t *v)
{
	char buf[64], *end;
	int r;

	r = cimctl_sysfs_str(ci, rel, buf, sizeof(buf));
	if (r)
		return r;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}
