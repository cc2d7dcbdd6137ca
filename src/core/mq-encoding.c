/* mq-encoding.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mq-encoding.h"

#include <ogr_api.h>

#include <stdio.h>
#include <string.h>

/* Chinese code pages decode as GB18030, the superset of GBK and GB2312, so
 * that names with characters outside GB2312 (堃, 喆) survive. */
char *
mq_encoding_normalize (const char *name)
{
  g_autofree char *up = g_ascii_strup (name, -1);

  g_strstrip (up);
  if (*up == '\0')
    return NULL;
  if (g_str_equal (up, "UTF-8") || g_str_equal (up, "UTF8") || g_str_equal (up, "65001"))
    return g_strdup ("UTF-8");
  if (g_str_equal (up, "GBK") || g_str_equal (up, "GB2312") || g_str_equal (up, "GB18030") ||
      g_str_equal (up, "936") || g_str_equal (up, "CP936") || g_str_equal (up, "54936") ||
      g_str_equal (up, "EUC-CN"))
    return g_strdup ("GB18030");
  if (g_ascii_isdigit (up[0]))
    return g_strdup_printf ("CP%s", up);
  if (g_str_has_prefix (up, "ANSI "))
    return g_strdup_printf ("CP%s", up + 5);
  return g_steal_pointer (&up);
}

static char *
sibling_path (const char *path,
              const char *ext)
{
  const char *dot = strrchr (path, '.');
  gsize stem = (dot != NULL && strchr (dot, '/') == NULL) ? (gsize) (dot - path) : strlen (path);
  g_autofree char *lower = g_strdup_printf ("%.*s.%s", (int) stem, path, ext);
  g_autofree char *upper_ext = g_ascii_strup (ext, -1);
  char *upper = g_strdup_printf ("%.*s.%s", (int) stem, path, upper_ext);

  if (g_file_test (lower, G_FILE_TEST_EXISTS))
    {
      g_free (upper);
      return g_steal_pointer (&lower);
    }
  return upper;
}

static const char *
encoding_for_ldid (guint8 ldid)
{
  switch (ldid)
    {
    case 0x4d: case 0x7a: return "GB18030";
    case 0x4f: case 0x78: return "BIG5";
    case 0x4e: case 0x79: return "CP949";
    case 0x13: case 0x7b: return "CP932";
    case 0x01: return "CP437";
    case 0x02: return "CP850";
    case 0x03: return "CP1252";
    case 0x64: return "CP852";
    case 0x65: return "CP866";
    case 0xc8: return "CP1250";
    case 0xc9: return "CP1251";
    /* 0x00 says nothing, and 0x57 ("ANSI") is what GDAL writes whatever the
     * text is: both leave the decision to the text itself. */
    default: return NULL;
    }
}

/* Returns the declared encoding of a shapefile's DBF, or NULL when the file
 * does not say and the text must decide. */
char *
mq_encoding_from_shapefile (const char       *path,
                            MqEncodingSource *source)
{
  g_autofree char *cpg = sibling_path (path, "cpg");
  g_autofree char *dbf = sibling_path (path, "dbf");
  g_autofree char *cpg_text = NULL;
  guint8 header[32];
  FILE *f;
  size_t n;

  if (g_file_get_contents (cpg, &cpg_text, NULL, NULL))
    {
      char *name = mq_encoding_normalize (cpg_text);

      if (name != NULL)
        {
          *source = MQ_ENCODING_SOURCE_CPG;
          return name;
        }
    }
  f = fopen (dbf, "rb");
  if (f == NULL)
    return NULL;
  n = fread (header, 1, sizeof header, f);
  fclose (f);
  if (n == sizeof header && encoding_for_ldid (header[29]) != NULL)
    {
      *source = MQ_ENCODING_SOURCE_LDID;
      return g_strdup (encoding_for_ldid (header[29]));
    }
  return NULL;
}

const char *
mq_encoding_source_key (MqEncodingSource source)
{
  static const char *keys[] = { "default", "cpg", "ldid", "detected", "user" };

  return keys[source];
}

/* A lead byte followed only by continuation bytes, at the end: a character
 * cut by the field width, not garbage. */
static gboolean
is_cut_character (const char *tail)
{
  gsize len = strlen (tail);

  if (len == 0 || len > 3 || ((guchar) tail[0] & 0xc0) != 0xc0)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (((guchar) tail[i] & 0xc0) != 0x80)
      return FALSE;
  return TRUE;
}

struct _MqDecoder
{
  char   *encoding;
  GIConv  cd;          /* (GIConv) -1 for UTF-8 or an encoding iconv lacks */
};

/* One converter for a whole file: opening an iconv descriptor per value
 * cost more than all of GDAL's reading. NULL when iconv does not know it. */
MqDecoder *
mq_decoder_new (const char *encoding)
{
  MqDecoder *decoder = g_new0 (MqDecoder, 1);

  decoder->encoding = g_strdup (encoding);
  decoder->cd = (GIConv) -1;
  if (!g_str_equal (encoding, "UTF-8"))
    {
      decoder->cd = g_iconv_open ("UTF-8", encoding);
      if (decoder->cd == (GIConv) -1)
        {
          mq_decoder_free (decoder);
          return NULL;
        }
    }
  return decoder;
}

void
mq_decoder_free (MqDecoder *decoder)
{
  if (decoder == NULL)
    return;
  if (decoder->cd != (GIConv) -1)
    g_iconv_close (decoder->cd);
  g_free (decoder->encoding);
  g_free (decoder);
}

/* Decodes to UTF-8. A value cut in the middle of a character (the DBF
 * 254-byte limit does that) keeps what precedes the cut; *lossy tells the
 * caller. */
/* As mq_decoder_decode(), appended to @out with its NUL (@bytes not NULL):
 * text that needs no conversion, as most does, is copied once and nothing
 * is allocated for it. FALSE when there is no text to append. */
gboolean
mq_decoder_append (MqDecoder  *decoder,
                   const char *bytes,
                   GString    *out,
                   gboolean   *lossy)
{
  g_autofree char *decoded = NULL;
  const char *end;

  /* ASCII is the same in every encoding we meet: codes, numbers, dates. */
  for (end = bytes; *end != '\0' && (guchar) *end < 0x80; end++)
    ;
  if (*end == '\0' || (decoder->cd == (GIConv) -1 && g_utf8_validate (end, -1, &end)))
    {
      g_string_append_len (out, bytes, end - bytes + 1);
      return TRUE;
    }
  decoded = mq_decoder_decode (decoder, bytes, lossy);
  if (decoded == NULL)
    return FALSE;
  g_string_append_len (out, decoded, strlen (decoded) + 1);
  return TRUE;
}

char *
mq_decoder_decode (MqDecoder  *decoder,
                   const char *bytes,
                   gboolean   *lossy)
{
  g_autoptr(GError) error = NULL;
  gsize len, read = 0;
  const char *end;
  char *out;

  if (bytes == NULL)
    return NULL;
  if (decoder->cd == (GIConv) -1)
    {
      if (g_utf8_validate (bytes, -1, &end))
        return g_strdup (bytes);
      *lossy = TRUE;
      if (is_cut_character (end))
        return g_strndup (bytes, end - bytes);
      return g_utf8_make_valid (bytes, -1);
    }
  /* ASCII is the same in every encoding we meet: codes, numbers, dates. */
  for (end = bytes; *end != '\0' && (guchar) *end < 0x80; end++)
    ;
  if (*end == '\0')
    return g_strdup (bytes);
  /* g_convert_with_iconv() stops quietly before a character cut at the
   * end: read falls short of the length. */
  len = strlen (bytes);
  out = g_convert_with_iconv (bytes, len, decoder->cd, &read, NULL, &error);
  if (out != NULL)
    {
      *lossy |= read < len;
      return out;
    }
  *lossy = TRUE;
  return g_convert_with_fallback (bytes, len, "UTF-8", decoder->encoding, "?", NULL, NULL, NULL);
}

/* Whether every text value of the layer is valid UTF-8: the per-file decision
 * for sources that do not declare their encoding. */
gboolean
mq_encoding_layer_is_utf8 (OGRLayerH layer)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (layer);
  int n_fields = OGR_FD_GetFieldCount (defn);
  gboolean valid = TRUE;
  OGRFeatureH feature;

  for (int i = 0; i < n_fields && valid; i++)
    valid = g_utf8_validate (OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i)), -1, NULL);
  OGR_L_ResetReading (layer);
  while (valid && (feature = OGR_L_GetNextFeature (layer)) != NULL)
    {
      for (int i = 0; i < n_fields && valid; i++)
        if (OGR_F_IsFieldSetAndNotNull (feature, i))
          valid = g_utf8_validate (OGR_F_GetFieldAsString (feature, i), -1, NULL);
      OGR_F_Destroy (feature);
    }
  OGR_L_ResetReading (layer);
  return valid;
}
