/* sd-media-check.c: pre-flight checks of every media link of a request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-check"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-media-check.h"
#include "sd-media-check-private.h"
#include "sd-media-probe-threads.h"
#include "sd-model.h"
#include "sd-request.h"

G_DEFINE_QUARK (sd-media-check-error-quark, sd_media_check_error)

/* The rules SEEDANCE-API.md writes down that only the media themselves can
 * show, by model family. "200 MB" is read as 200 MiB and "720px–2160px" as
 * the shorter side (720p to 2160p): where the words allow two readings, the
 * one that refuses less, so the app never blocks what the provider takes. */
typedef struct
{
  const char *family;
  gint64      max_total_duration_us;
  gint64      max_total_bytes;
  int         min_short_side;
  int         max_short_side;
} VideoRules;

static const VideoRules video_rules[] = {
  { "md", 15 * G_USEC_PER_SEC, (gint64) 200 * 1024 * 1024, 720, 2160 },
};

/* The checker */

typedef struct
{
  SdMediaFacts *facts;
  gint64        expires_us;
} CacheEntry;

struct _SdMediaChecker
{
  GObject          parent_instance;

  SdProbeThreads  *probes;  /* the probes run there, off this thread */
  GTlsCertificate *loopback_certificate;
  guint            timeout_ms;
  guint            cache_seconds;
  GHashTable      *cache;   /* uri → CacheEntry */
};

G_DEFINE_FINAL_TYPE (SdMediaChecker, sd_media_checker, G_TYPE_OBJECT)

static void
cache_entry_free (CacheEntry *entry)
{
  sd_media_facts_free (entry->facts);
  g_free (entry);
}

static void
sd_media_checker_finalize (GObject *object)
{
  SdMediaChecker *self = SD_MEDIA_CHECKER (object);

  g_clear_pointer (&self->probes, _sd_probe_threads_free);
  g_clear_object (&self->loopback_certificate);
  g_clear_pointer (&self->cache, g_hash_table_unref);

  G_OBJECT_CLASS (sd_media_checker_parent_class)->finalize (object);
}

static void
sd_media_checker_class_init (SdMediaCheckerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_media_checker_finalize;
}

/* SEEDANCE_CHECK_TIMEOUT_MS lets a slow machine (or a sanitizer build)
 * give each check longer than the default before it counts as a warning. */
static guint
default_timeout_ms (void)
{
  const char *value = g_getenv ("SEEDANCE_CHECK_TIMEOUT_MS");
  guint64 ms;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 100, 600000, &ms, NULL))
    return (guint) ms;
  return SD_MEDIA_CHECK_DEFAULT_TIMEOUT_MS;
}

static void
sd_media_checker_init (SdMediaChecker *self)
{
  self->probes = _sd_probe_threads_new ();
  self->timeout_ms = default_timeout_ms ();
  self->cache_seconds = SD_MEDIA_CHECK_DEFAULT_CACHE_SECONDS;
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) cache_entry_free);
}

/**
 * sd_media_checker_new:
 *
 * Returns: (transfer full): a checker with an empty cache
 */
SdMediaChecker *
sd_media_checker_new (void)
{
  return g_object_new (SD_TYPE_MEDIA_CHECKER, NULL);
}

/**
 * sd_media_checker_set_loopback_certificate:
 * @self: a checker
 * @certificate: (nullable): the demo simulator's certificate
 *
 * Accepts @certificate, and only it, from loopback addresses.
 */
void
sd_media_checker_set_loopback_certificate (SdMediaChecker  *self,
                                           GTlsCertificate *certificate)
{
  g_return_if_fail (SD_IS_MEDIA_CHECKER (self));
  g_set_object (&self->loopback_certificate, certificate);
}

/**
 * sd_media_checker_set_timeout:
 * @self: a checker
 * @timeout_ms: the most one link's check may take
 */
void
sd_media_checker_set_timeout (SdMediaChecker *self,
                              guint           timeout_ms)
{
  g_return_if_fail (SD_IS_MEDIA_CHECKER (self));
  g_return_if_fail (timeout_ms > 0);
  self->timeout_ms = timeout_ms;
}

guint
sd_media_checker_get_timeout (SdMediaChecker *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_CHECKER (self), 0);
  return self->timeout_ms;
}

/**
 * sd_media_checker_set_cache_lifetime:
 * @self: a checker
 * @seconds: how long what a link served is reused (0: never)
 */
void
sd_media_checker_set_cache_lifetime (SdMediaChecker *self,
                                     guint           seconds)
{
  g_return_if_fail (SD_IS_MEDIA_CHECKER (self));
  self->cache_seconds = seconds;
}

void
sd_media_checker_clear_cache (SdMediaChecker *self)
{
  g_return_if_fail (SD_IS_MEDIA_CHECKER (self));
  g_hash_table_remove_all (self->cache);
}

static const SdMediaFacts *
checker_lookup (SdMediaChecker *self,
                const char     *uri)
{
  CacheEntry *entry = g_hash_table_lookup (self->cache, uri);

  if (entry == NULL)
    return NULL;
  if (entry->expires_us <= g_get_monotonic_time ())
    {
      g_hash_table_remove (self->cache, uri);
      return NULL;
    }
  return entry->facts;
}

/* Only what a link did serve is kept: a 404 or a timeout is asked again
 * next time, since the user may just have fixed the link. */
static void
checker_remember (SdMediaChecker     *self,
                  const char         *uri,
                  const SdMediaFacts *facts)
{
  CacheEntry *entry;

  if (self->cache_seconds == 0)
    return;
  entry = g_new0 (CacheEntry, 1);
  entry->facts = sd_media_facts_copy (facts);
  entry->expires_us = g_get_monotonic_time () + (gint64) self->cache_seconds * G_USEC_PER_SEC;
  g_hash_table_replace (self->cache, g_strdup (uri), entry);
}

/* The check */

struct _SdMediaCheck
{
  GObject            parent_instance;

  SdMediaChecker    *checker;
  SdModel           *model;      /* nullable */
  GListStore        *items;
  SdMediaCheckState  state;
  char              *summary;
  char              *problem;
  gboolean           running;
};

G_DEFINE_FINAL_TYPE (SdMediaCheck, sd_media_check, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_SUMMARY,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sd_media_check_finalize (GObject *object)
{
  SdMediaCheck *self = SD_MEDIA_CHECK (object);

  g_clear_object (&self->checker);
  g_clear_object (&self->model);
  g_clear_object (&self->items);
  g_free (self->summary);
  g_free (self->problem);

  G_OBJECT_CLASS (sd_media_check_parent_class)->finalize (object);
}

static void
sd_media_check_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SdMediaCheck *self = SD_MEDIA_CHECK (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_SUMMARY: g_value_set_string (value, self->summary); break;
    case PROP_PROBLEM: g_value_set_string (value, self->problem); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_media_check_class_init (SdMediaCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_media_check_finalize;
  object_class->get_property = sd_media_check_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SD_TYPE_MEDIA_CHECK_STATE, SD_MEDIA_CHECK_STATE_CHECKING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sd_media_check_init (SdMediaCheck *self)
{
  self->items = g_list_store_new (SD_TYPE_MEDIA_ITEM);
  self->summary = g_strdup ("");
}

static void
add_item (SdMediaCheck *self,
          SdMediaField  field,
          guint         index,
          const char   *uri)
{
  g_autoptr(SdMediaItem) item = NULL;

  if (uri == NULL || *uri == '\0')
    return;
  item = sd_media_item_new (field, index, uri);
  g_list_store_append (self->items, item);
}

static void
add_items (SdMediaCheck       *self,
           SdMediaField        field,
           const char * const *uris)
{
  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    add_item (self, field, i + 1, uris[i]);
}

/**
 * sd_media_check_new:
 * @checker: the checker (its session and cache)
 * @request: the request whose links to check
 * @model: (nullable): @request's model, for its rules
 *
 * Returns: (transfer full): a check not run yet, its items "checking"
 */
SdMediaCheck *
sd_media_check_new (SdMediaChecker *checker,
                    SdRequest      *request,
                    SdModel        *model)
{
  SdMediaCheck *self;

  g_return_val_if_fail (SD_IS_MEDIA_CHECKER (checker), NULL);
  g_return_val_if_fail (SD_IS_REQUEST (request), NULL);
  g_return_val_if_fail (model == NULL || SD_IS_MODEL (model), NULL);

  self = g_object_new (SD_TYPE_MEDIA_CHECK, NULL);
  self->checker = g_object_ref (checker);
  self->model = model != NULL ? g_object_ref (model) : NULL;
  add_items (self, SD_MEDIA_FIELD_IMAGES, sd_request_get_images (request));
  add_item (self, SD_MEDIA_FIELD_FIRST_IMAGE, 1, sd_request_get_first_image (request));
  add_item (self, SD_MEDIA_FIELD_LAST_IMAGE, 1, sd_request_get_last_image (request));
  add_items (self, SD_MEDIA_FIELD_REFERENCE_VIDEOS, sd_request_get_reference_videos (request));
  add_items (self, SD_MEDIA_FIELD_REFERENCE_AUDIOS, sd_request_get_reference_audios (request));
  return self;
}

GListModel *
sd_media_check_get_items (SdMediaCheck *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_CHECK (self), NULL);
  return G_LIST_MODEL (self->items);
}

SdMediaCheckState
sd_media_check_get_state (SdMediaCheck *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_CHECK (self), SD_MEDIA_CHECK_STATE_CHECKING);
  return self->state;
}

const char *
sd_media_check_get_summary (SdMediaCheck *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_CHECK (self), NULL);
  return self->summary;
}

const char *
sd_media_check_get_problem (SdMediaCheck *self)
{
  g_return_val_if_fail (SD_IS_MEDIA_CHECK (self), NULL);
  return self->problem;
}

/* Judging one item */

static SdMediaKind
expected_kind (SdMediaField field)
{
  switch (field)
    {
    case SD_MEDIA_FIELD_REFERENCE_VIDEOS: return SD_MEDIA_KIND_VIDEO;
    case SD_MEDIA_FIELD_REFERENCE_AUDIOS: return SD_MEDIA_KIND_AUDIO;
    default: return SD_MEDIA_KIND_IMAGE;
    }
}

static const char *
kind_noun (SdMediaKind kind)
{
  switch (kind)
    {
    case SD_MEDIA_KIND_IMAGE: return _("an image");
    case SD_MEDIA_KIND_VIDEO: return _("a video");
    case SD_MEDIA_KIND_AUDIO: return _("a sound");
    default: return _("something else");
    }
}

static char *
what_was_served (const SdMediaFacts *facts)
{
  const char *type = facts->content_type != NULL ? facts->content_type : _("no type");

  if (g_strcmp0 (facts->content_type, "text/html") == 0 ||
      g_strcmp0 (facts->content_type, "application/xhtml+xml") == 0)
    /* TRANSLATORS: what a link served, e.g. "a web page (text/html)" */
    return g_strdup_printf (_("a web page (%s)"), type);
  if (facts->format != NULL)
    /* TRANSLATORS: what a link served, e.g. "a video (WebM, video/webm)" */
    return g_strdup_printf (_("%s (%s, %s)"), kind_noun (facts->kind), facts->format, type);
  /* TRANSLATORS: what a link served, e.g. "a video (video/webm)" */
  return g_strdup_printf (_("%s (%s)"), kind_noun (facts->kind), type);
}

static void
judge_facts (SdMediaItem        *item,
             const SdMediaFacts *facts)
{
  SdMediaKind want = expected_kind (sd_media_item_get_field (item));
  g_autofree char *served = NULL;
  g_autofree char *problem = NULL;

  if (facts->kind == want)
    {
      g_debug ("Check: %s is fine", sd_media_item_get_field_name (item));
      sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_OK, facts, NULL);
      return;
    }

  served = what_was_served (facts);
  if (facts->kind == SD_MEDIA_KIND_UNKNOWN)
    {
      problem = g_strdup_printf (_("It could not be checked: the link serves %s, which does not say "
                                   "whether it is %s."), served, kind_noun (want));
      g_debug ("Check: %s #%u: kind unknown", sd_media_item_get_field_name (item),
               sd_media_item_get_index (item));
      sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_WARNING, facts, problem);
      return;
    }
  /* TRANSLATORS: "The link serves a video (video/webm), not an image." */
  problem = g_strdup_printf (_("The link serves %s, not %s."), served, kind_noun (want));
  g_debug ("Check: %s #%u refused: wrong kind", sd_media_item_get_field_name (item),
           sd_media_item_get_index (item));
  sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_REFUSED, facts, problem);
}

static void
judge_error (SdMediaItem  *item,
             const GError *error)
{
  g_autofree char *problem = NULL;
  gboolean refused = FALSE;

  if (error->domain == SD_MEDIA_PROBE_ERROR)
    switch (error->code)
      {
      case SD_MEDIA_PROBE_ERROR_NOT_AVAILABLE:
      case SD_MEDIA_PROBE_ERROR_REDIRECT:
      case SD_MEDIA_PROBE_ERROR_UNREADABLE:
        refused = TRUE;
        break;
      default:
        break;
      }

  if (refused)
    /* TRANSLATORS: %s says what came back, e.g. "the server answered 404 Not Found" */
    problem = g_strdup_printf (_("It cannot be used: %s."), error->message);
  else
    /* TRANSLATORS: %s says why, e.g. "no answer within 5 s" */
    problem = g_strdup_printf (_("It could not be checked: %s."), error->message);
  g_debug ("Check: %s #%u %s: %s", sd_media_item_get_field_name (item),
           sd_media_item_get_index (item), refused ? "refused" : "unchecked", error->message);
  sd_media_item_set_outcome (item, refused ? SD_MEDIA_CHECK_STATE_REFUSED : SD_MEDIA_CHECK_STATE_WARNING,
                             NULL, problem);
}

/* The rules over all reference videos */

static const VideoRules *
rules_for (SdModel *model)
{
  const char *family = model != NULL ? sd_model_get_family (model) : NULL;

  for (gsize i = 0; family != NULL && i < G_N_ELEMENTS (video_rules); i++)
    if (g_str_equal (family, video_rules[i].family))
      return &video_rules[i];
  return NULL;
}

/* An item a rule already refused keeps that problem, and gets this one too. */
static void
refuse_item (SdMediaItem *item,
             const char  *problem)
{
  g_autofree char *both = NULL;

  g_debug ("Check: %s #%u refused: %s", sd_media_item_get_field_name (item),
           sd_media_item_get_index (item), problem);
  if (sd_media_item_get_state (item) == SD_MEDIA_CHECK_STATE_REFUSED)
    problem = both = g_strjoin (" ", sd_media_item_get_problem (item), problem, NULL);
  sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_REFUSED,
                             sd_media_item_get_media_facts (item), problem);
}

static void
check_short_side (SdMediaCheck     *self,
                  SdMediaItem      *item,
                  const VideoRules *rules)
{
  const SdMediaFacts *facts = sd_media_item_get_media_facts (item);
  g_autofree char *problem = NULL;
  int short_side = MIN (facts->width, facts->height);

  if (short_side <= 0 || (short_side >= rules->min_short_side && short_side <= rules->max_short_side))
    return;
  problem = g_strdup_printf (_("It is %d×%d; %s takes reference videos of %d to %d pixels on the shorter side."),
                             facts->width, facts->height, sd_model_get_display_name (self->model),
                             rules->min_short_side, rules->max_short_side);
  refuse_item (item, problem);
}

/* The item where a running total first goes over is the one named. */
static void
apply_video_rules (SdMediaCheck *self)
{
  const VideoRules *rules = rules_for (self->model);
  gint64 duration_us = 0, bytes = 0;
  gboolean duration_over = FALSE, bytes_over = FALSE;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  if (rules == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdMediaItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      const SdMediaFacts *facts = sd_media_item_get_media_facts (item);
      g_autofree char *problem = NULL;

      if (sd_media_item_get_field (item) != SD_MEDIA_FIELD_REFERENCE_VIDEOS ||
          facts == NULL || facts->kind != SD_MEDIA_KIND_VIDEO)
        continue;
      check_short_side (self, item, rules);
      duration_us += MAX (facts->duration_us, 0);
      bytes += MAX (facts->size, 0);
      /* Durations are compared to a tenth of a second, as they are shown. */
      if (!duration_over && (duration_us + G_USEC_PER_SEC / 20) / (G_USEC_PER_SEC / 10) >
                            rules->max_total_duration_us / (G_USEC_PER_SEC / 10))
        {
          duration_over = TRUE;
          problem = g_strdup_printf (_("With it the reference videos last %.1f s; %s takes at most "
                                       "%d s of reference video in all."),
                                     duration_us / (double) G_USEC_PER_SEC,
                                     sd_model_get_display_name (self->model),
                                     (int) (rules->max_total_duration_us / G_USEC_PER_SEC));
          refuse_item (item, problem);
        }
      else if (!bytes_over && bytes > rules->max_total_bytes)
        {
          g_autofree char *total = g_format_size ((guint64) bytes);

          bytes_over = TRUE;
          problem = g_strdup_printf (_("With it the reference videos take %s; %s takes at most "
                                       "200 MB of reference video in all."),
                                     total, sd_model_get_display_name (self->model));
          refuse_item (item, problem);
        }
    }
}

/* The verdict and the summary */

static SdMediaCheckState
worst_state (SdMediaCheck *self,
             SdMediaItem **first_refused)
{
  SdMediaCheckState worst = SD_MEDIA_CHECK_STATE_OK;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  *first_refused = NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdMediaItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      SdMediaCheckState state = sd_media_item_get_state (item);

      if (state == SD_MEDIA_CHECK_STATE_REFUSED && *first_refused == NULL)
        *first_refused = item;
      if (state == SD_MEDIA_CHECK_STATE_SKIPPED)
        state = SD_MEDIA_CHECK_STATE_OK;
      worst = MAX (worst, state);
    }
  return worst;
}

static char *
describe_group (SdMediaField field,
                guint        count,
                gint64       duration_us,
                gint64       bytes)
{
  g_autofree char *what = NULL;
  g_autofree char *size = bytes > 0 ? g_format_size ((guint64) bytes) : NULL;

  switch (field)
    {
    case SD_MEDIA_FIELD_IMAGES:
      what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image", "%u images", count), count);
      break;
    case SD_MEDIA_FIELD_FIRST_IMAGE: what = g_strdup (_("a first frame")); break;
    case SD_MEDIA_FIELD_LAST_IMAGE: what = g_strdup (_("a last frame")); break;
    case SD_MEDIA_FIELD_REFERENCE_VIDEOS:
      what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u reference video", "%u reference videos", count), count);
      break;
    case SD_MEDIA_FIELD_REFERENCE_AUDIOS:
      what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u reference audio", "%u reference audios", count), count);
      break;
    default:
      g_assert_not_reached ();
    }
  if (duration_us > 0 && size != NULL)
    /* TRANSLATORS: "2 reference videos (16.0 s, 45 MB in all)" */
    return g_strdup_printf (_("%s (%.1f s, %s in all)"), what, duration_us / (double) G_USEC_PER_SEC, size);
  if (size != NULL)
    /* TRANSLATORS: "3 images (8.1 MB in all)" */
    return g_strdup_printf (_("%s (%s in all)"), what, size);
  return g_steal_pointer (&what);
}

static char *
make_summary (SdMediaCheck *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (SdMediaField field = SD_MEDIA_FIELD_IMAGES; field <= SD_MEDIA_FIELD_REFERENCE_AUDIOS; field++)
    {
      gint64 duration_us = 0, bytes = 0;
      guint count = 0;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SdMediaItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
          const SdMediaFacts *facts = sd_media_item_get_media_facts (item);

          if (sd_media_item_get_field (item) != field)
            continue;
          count++;
          if (facts != NULL)
            {
              duration_us += MAX (facts->duration_us, 0);
              bytes += MAX (facts->size, 0);
            }
        }
      if (count > 0)
        g_ptr_array_add (parts, describe_group (field, count, duration_us, bytes));
    }
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **) parts->pdata);
}

static void
set_string (SdMediaCheck  *self,
            char         **slot,
            char          *value,
            guint          prop)
{
  _sd_media_set_text (G_OBJECT (self), slot, value, properties[prop]);
}

static char *
item_error_text (SdMediaItem *item)
{
  /* TRANSLATORS: "reference_videos: Reference video 2 (clip.mp4): It cannot be used: …" */
  return g_strdup_printf (_("%s: %s: %s"), sd_media_item_get_field_name (item),
                          sd_media_item_get_label (item), sd_media_item_get_problem (item));
}

static void
set_state (SdMediaCheck      *self,
           SdMediaCheckState  state)
{
  _sd_media_set_state (G_OBJECT (self), &self->state, state, properties[PROP_STATE]);
}

/* Running */

typedef struct
{
  guint pending;
} RunData;

static void
finish_run (GTask *task)
{
  SdMediaCheck *self = g_task_get_source_object (task);
  SdMediaItem *refused = NULL;
  SdMediaCheckState state;

  apply_video_rules (self);
  state = worst_state (self, &refused);
  set_string (self, &self->summary, make_summary (self), PROP_SUMMARY);
  set_string (self, &self->problem, refused != NULL ? item_error_text (refused) : NULL, PROP_PROBLEM);
  self->running = FALSE;
  g_debug ("Check: done, state %d: %s", state, self->summary);
  set_state (self, state);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (refused != NULL)
    g_task_return_new_error (task, SD_MEDIA_CHECK_ERROR, SD_MEDIA_CHECK_ERROR_REFUSED,
                             "%s", self->problem);
  else
    g_task_return_boolean (task, TRUE);
}

static void
item_done (GTask *task)
{
  RunData *data = g_task_get_task_data (task);

  g_assert (data->pending > 0);
  if (--data->pending == 0)
    finish_run (task);
}

typedef struct
{
  GTask       *task;
  SdMediaItem *item;
} ProbeCall;

static void
on_probed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ProbeCall *call = user_data;
  g_autoptr(GTask) task = call->task;
  g_autoptr(SdMediaItem) item = call->item;
  SdMediaCheck *self = g_task_get_source_object (task);
  g_autoptr(SdMediaFacts) facts = NULL;
  g_autoptr(GError) error = NULL;

  g_free (call);
  facts = _sd_probe_threads_probe_finish (result, &error);
  if (facts != NULL)
    {
      checker_remember (self->checker, sd_media_item_get_uri (item), facts);
      judge_facts (item, facts);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_WARNING, NULL, _("The check was cancelled."));
  else
    judge_error (item, error);
  item_done (task);
}

static gboolean
is_web_link (const char *uri)
{
  return g_ascii_strncasecmp (uri, "https://", 8) == 0 || g_ascii_strncasecmp (uri, "http://", 7) == 0;
}

static void
start_item (GTask       *task,
            SdMediaItem *item)
{
  SdMediaCheck *self = g_task_get_source_object (task);
  const char *uri = sd_media_item_get_uri (item);
  const SdMediaFacts *cached;
  ProbeCall *call;

  if (g_str_has_prefix (uri, "asset://"))
    {
      g_autoptr(SdMediaFacts) facts = sd_media_facts_new ();

      facts->note = g_strdup (_("in the asset library, sent as it is"));
      g_debug ("Check: %s #%u is an asset id, not checked", sd_media_item_get_field_name (item),
               sd_media_item_get_index (item));
      sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_SKIPPED, facts, NULL);
      return;
    }
  if (!is_web_link (uri))
    {
      sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_WARNING, NULL,
                                 _("It could not be checked: it is not a web link."));
      return;
    }
  cached = checker_lookup (self->checker, uri);
  if (cached != NULL)
    {
      g_debug ("Check: %s #%u answered from the cache", sd_media_item_get_field_name (item),
               sd_media_item_get_index (item));
      judge_facts (item, cached);
      return;
    }

  call = g_new0 (ProbeCall, 1);
  call->task = g_object_ref (task);
  call->item = g_object_ref (item);
  ((RunData *) g_task_get_task_data (task))->pending++;
  _sd_probe_threads_probe_async (self->checker->probes, uri, expected_kind (sd_media_item_get_field (item)),
                                 self->checker->loopback_certificate,
                                 self->checker->timeout_ms, g_task_get_cancellable (task),
                                 on_probed_cb, call);
}

/**
 * sd_media_check_run_async:
 * @self: a check not running
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every item is judged
 * @user_data: for @callback
 *
 * Checks every item at once: reachable (HEAD, or a ranged GET, answering
 * 2xx after redirects), of the kind its field needs (the type served and,
 * for images, the decoded header), with the facts the documented rules
 * need (pixel sizes; a video's duration and resolution; sizes), then the
 * rules over all reference videos that @self's model documents. An
 * asset:// id cannot be checked and is passed as it is; a link that could
 * not be checked in time is a warning, not a refusal.
 */
void
sd_media_check_run_async (SdMediaCheck        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;
  guint n;

  g_return_if_fail (SD_IS_MEDIA_CHECK (self));
  g_return_if_fail (!self->running);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sd_media_check_run_async);
  data = g_new0 (RunData, 1);
  g_task_set_task_data (task, data, g_free);
  self->running = TRUE;
  set_state (self, SD_MEDIA_CHECK_STATE_CHECKING);

  /* One pending count of our own, so that items answered at once (cache,
   * asset ids) cannot finish the run before every item has started. */
  data->pending = 1;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_debug ("Check: %u media links", n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdMediaItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      sd_media_item_set_outcome (item, SD_MEDIA_CHECK_STATE_CHECKING, NULL, NULL);
      start_item (task, item);
    }
  item_done (task);
}

/**
 * sd_media_check_run_finish:
 * @self: a check
 * @result: the result given to the callback
 * @error: where to put the first refusal
 *
 * Returns: %TRUE when nothing was refused (see #SdMediaCheck:state for
 *   warnings)
 */
gboolean
sd_media_check_run_finish (SdMediaCheck  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sd_media_check_format_problems:
 * @self: a check that ran
 *
 * Returns: (transfer full): one line ("field: label: problem") per item
 *   refused or not checked, in order; "" when there is none
 */
char *
sd_media_check_format_problems (SdMediaCheck *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (SD_IS_MEDIA_CHECK (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdMediaItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      g_autofree char *line = NULL;

      if (sd_media_item_get_problem (item) == NULL)
        continue;
      line = item_error_text (item);
      g_string_append_printf (text, "%s\n", line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
