/* sd-uploader-check.c: what an upload is: its type by magic numbers, size and SHA-256
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-request.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* Formats */

typedef struct
{
  const char   *content_type;
  SdUploadKind  kind;
} Format;

/* PROVIDER-EXTRAS.md: images .jpg .jpeg .png .gif .webp .bmp .svg; video
 * .mp4 .mov .avi .webm .mkv .m4v .flv; audio .mp3 .wav .aac .m4a .flac .ogg.
 * Told apart by their magic numbers, not by shared-mime-info (which a
 * sandbox or a minimal system may lack) and never by the name. */
static const Format jpeg = { "image/jpeg", SD_UPLOAD_KIND_IMAGE };
static const Format png = { "image/png", SD_UPLOAD_KIND_IMAGE };
static const Format gif = { "image/gif", SD_UPLOAD_KIND_IMAGE };
static const Format webp = { "image/webp", SD_UPLOAD_KIND_IMAGE };
static const Format bmp = { "image/bmp", SD_UPLOAD_KIND_IMAGE };
static const Format svg = { "image/svg+xml", SD_UPLOAD_KIND_IMAGE };
static const Format mp4 = { "video/mp4", SD_UPLOAD_KIND_VIDEO };
static const Format quicktime = { "video/quicktime", SD_UPLOAD_KIND_VIDEO };
static const Format m4v = { "video/x-m4v", SD_UPLOAD_KIND_VIDEO };
static const Format avi = { "video/x-msvideo", SD_UPLOAD_KIND_VIDEO };
static const Format webm = { "video/webm", SD_UPLOAD_KIND_VIDEO };
static const Format matroska = { "video/x-matroska", SD_UPLOAD_KIND_VIDEO };
static const Format flv = { "video/x-flv", SD_UPLOAD_KIND_VIDEO };
static const Format mp3 = { "audio/mpeg", SD_UPLOAD_KIND_AUDIO };
static const Format wav = { "audio/wav", SD_UPLOAD_KIND_AUDIO };
static const Format aac = { "audio/aac", SD_UPLOAD_KIND_AUDIO };
static const Format m4a = { "audio/mp4", SD_UPLOAD_KIND_AUDIO };
static const Format flac = { "audio/flac", SD_UPLOAD_KIND_AUDIO };
static const Format ogg = { "audio/ogg", SD_UPLOAD_KIND_AUDIO };

static const Format * const all_formats[] = {
  &jpeg, &png, &gif, &webp, &bmp, &svg,
  &mp4, &quicktime, &m4v, &avi, &webm, &matroska, &flv,
  &mp3, &wav, &aac, &m4a, &flac, &ogg,
};

static gboolean
has_bytes (const guint8 *data,
           gsize         length,
           gsize         offset,
           const char   *magic,
           gsize         magic_length)
{
  return length >= offset + magic_length && memcmp (data + offset, magic, magic_length) == 0;
}

#define HAS(offset, magic) has_bytes (data, length, offset, magic, sizeof magic - 1)

static const Format *
classify_iso_media (const guint8 *data,
                    gsize         length)
{
  if (HAS (4, "ftyp"))
    {
      if (HAS (8, "qt  "))
        return &quicktime;
      if (HAS (8, "M4A ") || HAS (8, "M4B "))
        return &m4a;
      if (HAS (8, "M4V"))
        return &m4v;
      return &mp4;
    }
  if (HAS (4, "moov") || HAS (4, "mdat") || HAS (4, "wide") || HAS (4, "free"))
    return &quicktime;
  return NULL;
}

static const Format *
classify_riff (const guint8 *data,
               gsize         length)
{
  if (!HAS (0, "RIFF"))
    return NULL;
  if (HAS (8, "WEBP"))
    return &webp;
  if (HAS (8, "AVI "))
    return &avi;
  if (HAS (8, "WAVE"))
    return &wav;
  return NULL;
}

static const Format *
classify_mpeg_audio (const guint8 *data,
                     gsize         length)
{
  guint layer;

  if (HAS (0, "ID3"))
    return &mp3;
  if (length < 2 || data[0] != 0xff || (data[1] & 0xe0) != 0xe0)
    return NULL;
  layer = (data[1] >> 1) & 0x3;
  if ((data[1] & 0xf6) == 0xf0)   /* ADTS: MPEG-2/4 sync, layer 0 */
    return &aac;
  return layer != 0 ? &mp3 : NULL;
}

static gboolean
bmp_header_is_plausible (const guint8 *data,
                         gsize         length)
{
  guint32 header;

  if (!HAS (0, "BM") || length < 18)
    return FALSE;
  header = data[14] | data[15] << 8 | data[16] << 16 | (guint32) data[17] << 24;
  return header == 12 || header == 40 || header == 52 || header == 56 ||
         header == 64 || header == 108 || header == 124;
}

/* An SVG document: text whose first element is <svg, after an optional
 * byte order mark, XML declaration, comments and doctype. */
static gboolean
is_svg (const guint8 *data,
        gsize         length)
{
  g_autofree char *text = g_strndup ((const char *) data, length);
  const char *p = text;

  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;
  for (;;)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (g_str_has_prefix (p, "<?") || g_str_has_prefix (p, "<!"))
        {
          gboolean comment = g_str_has_prefix (p, "<!--");
          const char *end = comment ? strstr (p, "-->") : strchr (p, '>');

          if (end == NULL)
            return FALSE;
          p = end + (comment ? 3 : 1);
          continue;
        }
      return g_str_has_prefix (p, "<svg") &&
             (g_ascii_isspace (p[4]) || p[4] == '>' || p[4] == '\0');
    }
}

static const Format *
classify (const guint8 *data,
          gsize         length)
{
  const Format *format;

  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return &jpeg;
  if (HAS (0, "\x89PNG\r\n\x1a\n"))
    return &png;
  if (HAS (0, "GIF87a") || HAS (0, "GIF89a"))
    return &gif;
  if (bmp_header_is_plausible (data, length))
    return &bmp;
  if ((format = classify_riff (data, length)) != NULL ||
      (format = classify_iso_media (data, length)) != NULL)
    return format;
  if (HAS (0, "\x1a\x45\xdf\xa3"))
    return g_strstr_len ((const char *) data, MIN (length, 64), "webm") != NULL ? &webm : &matroska;
  if (HAS (0, "FLV\x01"))
    return &flv;
  if (HAS (0, "fLaC"))
    return &flac;
  if (HAS (0, "OggS"))
    return &ogg;
  if ((format = classify_mpeg_audio (data, length)) != NULL)
    return format;
  if (is_svg (data, length))
    return &svg;
  return NULL;
}

#undef HAS

static const char *
kind_noun (SdUploadKind kind)
{
  switch (kind)
    {
    case SD_UPLOAD_KIND_VIDEO: return _("a video");
    case SD_UPLOAD_KIND_AUDIO: return _("an audio file");
    case SD_UPLOAD_KIND_IMAGE:
    default:                   return _("an image");
    }
}

static const char *
kind_formats (SdUploadKind kind)
{
  switch (kind)
    {
    case SD_UPLOAD_KIND_VIDEO: return _("MP4, MOV, AVI, WebM, MKV, M4V or FLV");
    case SD_UPLOAD_KIND_AUDIO: return _("MP3, WAV, AAC, M4A, FLAC or OGG");
    case SD_UPLOAD_KIND_IMAGE:
    default:                   return _("JPEG, PNG, GIF, WebP, BMP or SVG");
    }
}

const char *
sd_upload_classify_content (const guint8 *data,
                            gsize         length,
                            SdUploadKind *kind)
{
  const Format *format = data != NULL ? classify (data, length) : NULL;

  if (format == NULL)
    return NULL;
  if (kind != NULL)
    *kind = format->kind;
  return format->content_type;
}

gboolean
sd_upload_kind_for_field (const char   *field,
                          SdUploadKind *kind)
{
  static const struct { const char *field; SdUploadKind kind; } fields[] = {
    { "images", SD_UPLOAD_KIND_IMAGE },
    { "first_image", SD_UPLOAD_KIND_IMAGE },
    { "last_image", SD_UPLOAD_KIND_IMAGE },
    { "reference_videos", SD_UPLOAD_KIND_VIDEO },
    { "reference_audios", SD_UPLOAD_KIND_AUDIO },
  };

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (field, fields[i].field))
      {
        *kind = fields[i].kind;
        return TRUE;
      }
  return FALSE;
}

GFile *
sd_upload_local_file_for_reference (const char *reference)
{
  if (reference == NULL || *reference == '\0')
    return NULL;
  if (g_ascii_strncasecmp (reference, "file://", 7) == 0)
    {
      g_autofree char *path = g_filename_from_uri (reference, NULL, NULL);

      return path != NULL ? g_file_new_for_path (path) : NULL;
    }
  if (g_str_has_prefix (reference, "~/"))
    {
      g_autofree char *path = g_build_filename (g_get_home_dir (), reference + 2, NULL);

      return g_file_new_for_path (path);
    }
  if (reference[0] == '/' || g_str_has_prefix (reference, "./") ||
      g_str_has_prefix (reference, "../"))
    return g_file_new_for_commandline_arg (reference);
  return NULL;
}

/* Facts, read in a thread: size, type by content, SHA-256 (streamed). */


void
_sd_uploader_facts_free (Facts *facts)
{
  g_free (facts->content_type);
  g_free (facts->sha256);
  g_free (facts->identity);
  g_free (facts);
}

/* What tells an unchanged file: "device:inode:size:mtime-ns", from the
 * IDENTITY_ATTRIBUTES of @info; NULL when it lacks them. */
char *
_sd_uploader_file_identity (GFileInfo *info)
{
  guint64 seconds = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
  guint32 nsec = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC);

  if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_INODE) ||
      !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_TIME_MODIFIED))
    return NULL;
  return g_strdup_printf ("%u:%" G_GUINT64_FORMAT ":%" G_GOFFSET_FORMAT ":%" G_GUINT64_FORMAT "%09u",
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE),
                          g_file_info_get_size (info), seconds, nsec);
}

static gboolean
check_info (GFile         *file,
            const char    *name,
            guint64       *size,
            char         **identity,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInfo) info =
    g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," IDENTITY_ATTRIBUTES,
                       G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  g_autofree char *size_text = NULL;

  if (info == NULL)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                   _("Cannot read “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                   _("“%s” is not a regular file; only files can be uploaded."), name);
      return FALSE;
    }
  *size = g_file_info_get_size (info);
  if (*size > SD_UPLOAD_MAX_SIZE)
    {
      size_text = g_format_size (*size);
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_TOO_LARGE,
                   _("“%s” is %s; an upload takes at most 100 MB a file."), name, size_text);
      return FALSE;
    }
  if (*size == 0)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE,
                   _("“%s” is empty; an upload needs an image, video or audio file."), name);
      return FALSE;
    }
  *identity = _sd_uploader_file_identity (info);
  return TRUE;
}

/* What a file the upload does not take is by its first bytes, as the
 * MIME database tells it ("text/html"); NULL when it cannot tell, or when
 * it calls it one of the formats taken (bytes that only look like one:
 * saying so would contradict the refusal). */
static char *
describe_content (const guint8 *data,
                  gsize         length)
{
  g_autofree char *type = NULL;
  g_autofree char *mime = NULL;
  gboolean uncertain = FALSE;

  type = g_content_type_guess (NULL, data, length, &uncertain);
  if (uncertain || g_content_type_is_unknown (type))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (all_formats); i++)
    if (g_content_type_is_a (type, all_formats[i]->content_type))
      return NULL;
  mime = g_content_type_get_mime_type (type);
  if (mime == NULL || g_str_equal (mime, "application/octet-stream"))
    return NULL;
  return g_steal_pointer (&mime);
}

static gboolean
check_type (const char    *name,
            const guint8  *data,
            gsize          length,
            SdUploadKind   wanted,
            char         **content_type,
            GError       **error)
{
  SdUploadKind kind;
  const char *type = sd_upload_classify_content (data, length, &kind);

  if (type == NULL)
    {
      g_autofree char *seen = describe_content (data, length);

      if (seen != NULL)
        g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE,
                     _("“%s” is not a format the upload takes: by its content it is %s, and %s must be %s."),
                     name, seen, kind_noun (wanted), kind_formats (wanted));
      else
        g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE,
                     _("“%s” is not a format the upload takes: by its content it is none of them, and %s must be %s."),
                     name, kind_noun (wanted), kind_formats (wanted));
      return FALSE;
    }
  if (kind != wanted)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_WRONG_TYPE,
                   _("“%s” is %s (%s), but this field takes %s (%s)."),
                   name, kind_noun (kind), type, kind_noun (wanted), kind_formats (wanted));
      return FALSE;
    }
  *content_type = g_strdup (type);
  return TRUE;
}

/* Hashes the rest of @stream after the @sniffed bytes of @buffer; NULL
 * with @error when it cannot be read or is not @size bytes long. */
static char *
hash_rest (GInputStream  *stream,
           guint8        *buffer,
           gsize          sniffed,
           guint64        size,
           const char    *name,
           GCancellable  *cancellable,
           GError       **error)
{
  SdUploadHash hash = { 0 };
  guint64 hashed = sniffed;
  g_autofree char *sha256 = NULL;

  _sd_upload_hash_init (&hash);
  _sd_upload_hash_update (&hash, buffer, sniffed);
  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, HASH_CHUNK, cancellable, error);

      if (n < 0)
        {
          g_free (_sd_upload_hash_finish (&hash));
          return NULL;
        }
      if (n == 0)
        break;
      _sd_upload_hash_update (&hash, buffer, n);
      hashed += n;
      if (hashed > SD_UPLOAD_MAX_SIZE)
        break;
    }
  sha256 = _sd_upload_hash_finish (&hash);
  if (hashed != size)
    {
      g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                   _("“%s” changed while it was being read; try again once it is complete."), name);
      return NULL;
    }
  return g_steal_pointer (&sha256);
}

/* Size, type by content and identity; the SHA-256 only when @hash (a
 * file sent is hashed after the server's answer, see sd-uploader-hash.c). */
static Facts *
read_facts (GFile         *file,
            SdUploadKind   kind,
            gboolean       hash,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree guint8 *buffer = g_malloc (HASH_CHUNK);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *identity = NULL;
  guint64 size = 0;
  gsize sniffed = 0;
  Facts *facts;

  if (!check_info (file, name, &size, &identity, cancellable, error))
    return NULL;
  stream = g_file_read (file, cancellable, &local_error);
  /* The first bytes decide the type, before anything is hashed. */
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, MIN (SNIFF_SIZE, size),
                                &sniffed, cancellable, &local_error))
    goto unreadable;
  if (!check_type (name, buffer, sniffed, kind, &content_type, error))
    return NULL;
  if (hash)
    {
      sha256 = hash_rest (G_INPUT_STREAM (stream), buffer, sniffed, size, name,
                          cancellable, &local_error);
      if (sha256 == NULL && local_error->domain == SD_UPLOAD_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (sha256 == NULL)
        goto unreadable;
    }

  facts = g_new0 (Facts, 1);
  facts->size = size;
  facts->content_type = g_steal_pointer (&content_type);
  facts->sha256 = g_steal_pointer (&sha256);
  facts->identity = g_steal_pointer (&identity);
  return facts;

unreadable:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, SD_UPLOAD_ERROR, SD_UPLOAD_ERROR_UNREADABLE,
                 _("Cannot read “%s”: %s"), name, local_error->message);
  return NULL;
}

void
_sd_uploader_facts_wanted_free (FactsWanted *wanted)
{
  g_object_unref (wanted->upload);
  g_free (wanted);
}

/* Runs with a FactsWanted as task data. */
void
_sd_uploader_read_facts_thread (GTask        *task,
                                gpointer      source_object,
                                gpointer      task_data,
                                GCancellable *cancellable)
{
  FactsWanted *wanted = task_data;
  GError *error = NULL;
  Facts *facts = read_facts (wanted->upload->file, wanted->upload->kind, wanted->hash,
                             cancellable, &error);

  if (facts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, facts, (GDestroyNotify) _sd_uploader_facts_free);
}
