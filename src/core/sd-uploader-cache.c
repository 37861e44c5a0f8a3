/* sd-uploader-cache.c: the cache of links already uploaded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-uploader"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#if HAVE_GNUTLS
#include <gnutls/crypto.h>
#endif

#include "sd-client.h"
#include "sd-enum-types.h"
#include "sd-request.h"
#include "sd-secrets.h"
#include "sd-uploader.h"
#include "sd-uploader-private.h"
#include "sd-uploader-stream.h"

/* The cache: a small JSON file, one entry per (file, upload target), and
 * the memo of the files hashed, so that a file not changed since (same
 * device, inode, size and modification time to the nanosecond) is not
 * read again only to find its link. */

static gboolean
is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static void
memo_load (SdUploader *self,
           JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "memo");
  JsonArray *entries;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  entries = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *element = json_array_get_element (entries, i);
      const char *file, *sha256;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      file = json_object_get_string_member_with_default (json_node_get_object (element), "file", NULL);
      sha256 = json_object_get_string_member_with_default (json_node_get_object (element), "sha256", NULL);
      if (file != NULL && is_sha256 (sha256))
        g_hash_table_replace (self->memo, g_strdup (file), g_strdup (sha256));
    }
}

/* Whether a cache entry holds @sha256: a memo entry without one is of no use. */
static gboolean
cache_holds (SdUploader *self,
             const char *sha256)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (strncmp (key, sha256, 64) == 0 && ((const char *) key)[64] == ' ')
      return TRUE;
  return FALSE;
}

static void
memo_save (SdUploader  *self,
           JsonBuilder *builder)
{
  GHashTableIter iter;
  gpointer key, value;

  json_builder_set_member_name (builder, "memo");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->memo);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!cache_holds (self, value))
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

void
_sd_uploader_remember (SdUploader *self,
                       const char *identity,
                       const char *sha256)
{
  if (g_strcmp0 (g_hash_table_lookup (self->memo, identity), sha256) == 0)
    return;
  g_hash_table_replace (self->memo, g_strdup (identity), g_strdup (sha256));
  if (cache_holds (self, sha256))
    _sd_uploader_cache_save (self);
}

void
_sd_uploader_cache_load (SdUploader *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *entries;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!json_parser_load_from_mapped_file (parser, self->cache_path, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("upload cache %s not read: %s", self->cache_path, error->message);
      return;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "uploads")))
    {
      g_debug ("upload cache %s is not what we write; ignored", self->cache_path);
      return;
    }
  entries = json_object_get_array_member (json_node_get_object (root), "uploads");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *object;
      const char *key, *url;
      CacheEntry *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      key = json_object_get_string_member_with_default (object, "key", NULL);
      url = json_object_get_string_member_with_default (object, "url", NULL);
      if (key == NULL || !_sd_uploader_link_is_acceptable (url))
        continue;
      entry = g_new0 (CacheEntry, 1);
      entry->url = g_strdup (url);
      entry->created_at = json_object_get_int_member_with_default (object, "created_at", 0);
      entry->size = json_object_get_int_member_with_default (object, "size", 0);
      if (entry->created_at + SD_UPLOAD_LIFETIME_S <= now)
        _sd_uploader_cache_entry_free (entry);
      else
        g_hash_table_replace (self->cache, g_strdup (key), entry);
    }
  memo_load (self, json_node_get_object (root));
}

void
_sd_uploader_cache_save (SdUploader *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (self->cache_path);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CACHE_VERSION);
  json_builder_set_member_name (builder, "uploads");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CacheEntry *entry = value;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, entry->url);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_int_value (builder, entry->created_at);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, entry->size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  memo_save (self, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (self->cache_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("upload cache %s not written: %s", self->cache_path,
             error != NULL ? error->message : g_strerror (errno));
}
