/*
** segpack.h -- the packed sections of format 2.3 (segpack.c): the
** writer's last step turns an image whose STREAM and POST are plain u32
** arrays into the stored format, and the reader decodes them back.
*/
#ifndef CP_SEGPACK_H
#define CP_SEGPACK_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

/*
** Rewrite the image *img (*size bytes, laid out as the builder makes
** it: STREAM u32[T] word ids, POSTO u32[Nn+1] and POST u32[T]) into
** format 2.3: STREAM packed by frequency rank with the rank table WRANK,
** POST one packed list per norm type at the u64 byte offsets of POSTO;
** every checksum (sections, BLKSUM, header) recomputed.  On success
** *img is replaced (the old image freed); on error it is left as is.
*/
int cp_seg_pack_image (void **img, size_t *size, cp_err *err);

#endif
