/* sd-media-item.c: one media link of a request, and what its check found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-check"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-media-item.h"
#include "sd-media-check-private.h"
#include "sd-utf8.h"

#define NAME_MAX_CHARS 40

struct _SdMediaItem
{
  GObject            parent_instance;

  SdMediaField       field;
  guint              index;
  char              *uri;
  char              *name;
  char              *label;
  SdMediaCheckState  state;
  char              *facts_text;
  char              *problem;
  SdMediaFacts      *facts;
};

G_DEFINE_FINAL_TYPE (SdMediaItem, sd_media_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FIELD,
  PROP_INDEX,
  PROP_URI,
  PROP_NAME,
  PROP_LABEL,
  PROP_STATE,
  PROP_FACTS,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_media_item_finalize (GObject *object)
{
  SdMediaItem *self = SD_MEDIA_ITEM (object);

  g_free (self->uri);
  g_free (self->name);
  g_free (self->label);
  g_free (self->facts_text);
  g_free (self->problem);
  sd_media_facts_free (self->facts);

  G_OBJECT_CLASS (sd_media_item_parent_class)->finalize (object);
}

static void
sd_media_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdMediaItem *self = SD_MEDIA_ITEM (object);

  switch (prop_id)
    {
    case PROP_FIELD: g_value_set_enum (value, self->field); break;
    case PROP_INDEX: g_value_set_uint (value, self->index); break;
    case PROP_URI: g_value_set_string (value, self->uri); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_LABEL: g_value_set_string (value, self->label); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_FACTS: g_value_set_string (value, self->facts_text); break;
    case PROP_PROBLEM: g_value_set_string (value, self->problem); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_media_item_class_init (SdMediaItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_media_item_finalize;
  object_class->get_property = sd_media_item_get_property;

  properties[PROP_FIELD] =
    g_param_spec_enum ("field", NULL, NULL, SD_TYPE_MEDIA_FIELD, SD_MEDIA_FIELD_IMAGES,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SD_TYPE_MEDIA_CHECK_STATE, SD_MEDIA_CHECK_STATE_CHECKING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FACTS] =
    g_param_spec_string ("facts", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_media_item_init (SdMediaItem *self)
{
  self->facts_text = g_strdup ("");
}

/* Names come from links anyone can make: control characters and
 * invisible format characters (a right-to-left override that would show
 * "gpj.exe" as "exe.jpg") become spaces. */
static char *
clean_name (const char *raw)
{
  g_autofree char *valid = g_utf8_make_valid (raw, -1);
  g_autoptr(GString) clean = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        g_string_append_c (clean, ' ');
      else
        g_string_append_unichar (clean, c);
    }
  return sd_utf8_ellipsize (g_strstrip (clean->str), NAME_MAX_CHARS);
}

/**
 * sd_media_name_from_uri:
 * @uri: a media link or asset id
 *
 * Returns: (transfer full): a readable name for @uri
 */
char *
sd_media_name_from_uri (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *segment = NULL;
  const char *path, *slash;

  g_return_val_if_fail (uri != NULL, NULL);

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  if (parsed == NULL)
    return clean_name (uri);
  if (g_strcmp0 (g_uri_get_scheme (parsed), "asset") == 0)
    return clean_name (uri + strlen ("asset://"));

  path = g_uri_get_path (parsed);
  slash = strrchr (path, '/');
  segment = g_uri_unescape_string (slash != NULL ? slash + 1 : path, NULL);
  if (segment == NULL)
    segment = g_strdup (slash != NULL ? slash + 1 : path);
  if (*segment == '\0')
    return clean_name (g_uri_get_host (parsed) != NULL ? g_uri_get_host (parsed) : uri);
  return clean_name (segment);
}

static char *
make_label (SdMediaField field,
            guint        index,
            const char  *name)
{
  g_autofree char *what = NULL;

  switch (field)
    {
    case SD_MEDIA_FIELD_IMAGES: what = g_strdup_printf (_("Image %u"), index); break;
    case SD_MEDIA_FIELD_FIRST_IMAGE: what = g_strdup (_("First frame")); break;
    case SD_MEDIA_FIELD_LAST_IMAGE: what = g_strdup (_("Last frame")); break;
    case SD_MEDIA_FIELD_REFERENCE_VIDEOS: what = g_strdup_printf (_("Reference video %u"), index); break;
    case SD_MEDIA_FIELD_REFERENCE_AUDIOS: what = g_strdup_printf (_("Reference audio %u"), index); break;
    default: g_assert_not_reached ();
    }
  /* TRANSLATORS: an item and its name, e.g. "Reference video 2 (clip.mp4)" */
  return g_strdup_printf (_("%s (%s)"), what, name);
}

/**
 * sd_media_item_new:
 * @field: the request field the link is in
 * @index: its place there, from 1
 * @uri: the link
 *
 * Returns: (transfer full): an item still being checked
 */
SdMediaItem *
sd_media_item_new (SdMediaField  field,
                   guint         index,
                   const char   *uri)
{
  SdMediaItem *self;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (index >= 1, NULL);

  self = g_object_new (SD_TYPE_MEDIA_ITEM, NULL);
  self->field = field;
  self->index = index;
  self->uri = g_strdup (uri);
  self->name = sd_media_name_from_uri (uri);
  self->label = make_label (field, index, self->name);
  return self;
}

SdMediaField
sd_media_item_get_field (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), SD_MEDIA_FIELD_IMAGES);
  return self->field;
}

const char *
sd_media_item_get_field_name (SdMediaItem *self)
{
  static const char * const names[] = {
    "images", "first_image", "last_image", "reference_videos", "reference_audios",
  };

  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), NULL);
  return names[self->field];
}

guint
sd_media_item_get_index (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), 0);
  return self->index;
}

const char *
sd_media_item_get_uri (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), NULL);
  return self->uri;
}

const char *
sd_media_item_get_name (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), NULL);
  return self->name;
}

const char *
sd_media_item_get_label (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), NULL);
  return self->label;
}

SdMediaCheckState
sd_media_item_get_state (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), SD_MEDIA_CHECK_STATE_CHECKING);
  return self->state;
}

const char *
sd_media_item_get_facts (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), NULL);
  return self->facts_text;
}

const char *
sd_media_item_get_problem (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), NULL);
  return self->problem;
}

const SdMediaFacts *
sd_media_item_get_media_facts (SdMediaItem *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_ITEM (self), NULL);
  return self->facts;
}

/**
 * sd_media_item_set_outcome:
 * @self: an item
 * @state: where its check stands
 * @facts: (nullable): what the probe found
 * @problem: (nullable): why it is refused or could not be checked
 *
 * Records what the check of @self found, for the checker.
 */
void
sd_media_item_set_outcome (SdMediaItem        *self,
                           SdMediaCheckState   state,
                           const SdMediaFacts *facts,
                           const char         *problem)
{
  char *text;

  g_return_if_fail (SD_IS_MEDIA_ITEM (self));

  if (facts != self->facts)
    {
      g_clear_pointer (&self->facts, sd_media_facts_free);
      self->facts = facts != NULL ? sd_media_facts_copy (facts) : NULL;
    }
  text = self->facts != NULL ? sd_media_facts_describe (self->facts) : g_strdup ("");
  _sd_media_set_text (G_OBJECT (self), &self->facts_text, text, properties[PROP_FACTS]);
  _sd_media_set_text (G_OBJECT (self), &self->problem, g_strdup (problem), properties[PROP_PROBLEM]);
  _sd_media_set_state (G_OBJECT (self), &self->state, state, properties[PROP_STATE]);
}

void
_sd_media_set_text (GObject     *object,
                    char       **slot,
                    char        *value,
                    GParamSpec  *pspec)
{
  if (g_strcmp0 (*slot, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*slot);
  *slot = value;
  g_object_notify_by_pspec (object, pspec);
}

void
_sd_media_set_state (GObject           *object,
                     SdMediaCheckState *slot,
                     SdMediaCheckState  state,
                     GParamSpec        *pspec)
{
  if (*slot == state)
    return;
  *slot = state;
  g_object_notify_by_pspec (object, pspec);
}
