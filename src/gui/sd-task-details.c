/* sd-task-details.c: everything about one task, beside the results
 *
 * The rows show what differs between tasks; this shows all of one: the
 * whole prompt, every parameter and reference, the times, the file, the
 * estimate and the tasks it is linked to. The fields are built again
 * when the task changes (rarely: a status, a file), not on progress.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-task-details"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-prices.h"
#include "sd-service.h"
#include "sd-store-query.h"
#include "sd-task-details.h"
#include "sd-task-row.h"
#include "sd-thumbnailer.h"

struct _SdTaskDetails
{
  GtkWidget      parent_instance;

  SdContext     *context;
  SdTask        *task;
  GSignalGroup  *task_signals;
  SdThumbnailer *thumbnailer;
  GCancellable  *cancellable;  /* the thumbnails and links of the task shown */
  SdStore       *reader;       /* for the links, off the main thread */
  GHashTable    *values;       /* field name → the text shown */
  int            n_rows;

  GtkWidget     *scroller;
  GtkWidget     *empty_label;
  GtkLabel      *prompt_label;
  GtkWidget     *copy_buttons;
  GtkGrid       *fields;
  GtkFlowBox    *thumbnails;
};

G_DEFINE_FINAL_TYPE (SdTaskDetails, sd_task_details, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TASK,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define THUMBNAIL_WIDTH 96
#define THUMBNAIL_HEIGHT 72

static char *
format_date_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  if (time == NULL)
    return NULL;
  /* Translators: a strftime format for a task's full date and time, such as "3 November 2026, 14:02:09" */
  /* xgettext:no-c-format */
  return g_date_time_format (time, _("%-d %B %Y, %H:%M:%S"));
}

static GtkWidget *
add_title (SdTaskDetails *self,
           const char    *title)
{
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (self->fields, label, 0, self->n_rows, 1, 1);
  return label;
}

/* A title and its value, which can be selected and copied. */
static void
add_field (SdTaskDetails *self,
           const char    *field,
           const char    *title,
           const char    *value)
{
  GtkWidget *title_label;
  GtkWidget *label;

  if (value == NULL || *value == '\0')
    return;

  title_label = add_title (self, title);
  label = gtk_label_new (value);
  gtk_widget_set_name (label, field);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL,
                                  -1);
  gtk_grid_attach (self->fields, label, 1, self->n_rows++, 1, 1);
  g_hash_table_replace (self->values, g_strdup (field), g_strdup (value));
}

static void
add_int_field (SdTaskDetails *self,
               const char    *field,
               const char    *title,
               int            value)
{
  g_autofree char *text = NULL;

  if (value <= 0)
    return;
  /* Translators: a video's duration in seconds, such as "5 s" */
  text = g_strdup_printf (_("%d s"), value);
  add_field (self, field, title, text);
}

static void
add_time_field (SdTaskDetails *self,
                const char    *field,
                const char    *title,
                gint64         unix_time)
{
  g_autofree char *text = unix_time > 0 ? format_date_time (unix_time) : NULL;

  add_field (self, field, title, text);
}

static void
add_list_field (SdTaskDetails      *self,
                const char         *field,
                const char         *title,
                const char * const *values)
{
  g_autofree char *text = NULL;

  if (values == NULL || values[0] == NULL)
    return;
  text = g_strjoinv ("\n", (char **) values);
  add_field (self, field, title, text);
}

static GtkWidget *
new_link (const char *label,
          const char *action_name,
          const char *target)
{
  GtkWidget *link = gtk_button_new_with_label (label);

  gtk_widget_set_halign (link, GTK_ALIGN_START);
  gtk_widget_add_css_class (link, "link");
  gtk_widget_add_css_class (link, "flat");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (link), g_variant_new_string (target));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (link), action_name);
  return link;
}

/* Other tasks, as links that select them in the results. */
static void
add_link_field (SdTaskDetails      *self,
                const char         *field,
                const char         *title,
                const char * const *ids)
{
  GtkWidget *box;

  if (ids == NULL || ids[0] == NULL)
    return;

  add_title (self, title);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_name (box, field);
  for (guint i = 0; ids[i] != NULL; i++)
    gtk_box_append (GTK_BOX (box), new_link (ids[i], "win.select-task", ids[i]));
  gtk_grid_attach (self->fields, box, 1, self->n_rows++, 1, 1);
  g_hash_table_replace (self->values, g_strdup (field), g_strjoinv ("\n", (char **) ids));
}

/* The group (takes, a batch): its label, a link that shows only it. */
static void
add_group_field (SdTaskDetails *self,
                 SdTask        *task)
{
  const char *group = sd_task_get_group_id (task);
  const char *label = sd_task_get_group_label (task);
  GtkWidget *link;

  if (group == NULL)
    return;
  if (label == NULL || label[0] == '\0')
    label = group;
  add_title (self, _("Group"));
  link = new_link (label, "history.group", group);
  gtk_widget_set_name (link, "group");
  gtk_widget_set_tooltip_text (link, _("Show only the tasks of this group"));
  gtk_grid_attach (self->fields, link, 1, self->n_rows++, 1, 1);
  g_hash_table_replace (self->values, g_strdup ("group"), g_strdup (label));
}

static void
on_thumbnail_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = sd_thumbnailer_load_finish (SD_THUMBNAILER (source), result, &error);

  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No thumbnail for a reference: %s %d",
             g_quark_to_string (error->domain), error->code);
}

static void
add_thumbnail (SdTaskDetails *self,
               const char    *url,
               const char    *name)
{
  GtkWidget *picture = gtk_picture_new ();
  GdkTexture *texture = sd_thumbnailer_lookup (self->thumbnailer, url);

  gtk_widget_set_size_request (picture, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_tooltip_text (picture, url);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_flow_box_append (self->thumbnails, picture);
  /* a picture to look at, not a control: no Tab stop */
  gtk_widget_set_focusable (gtk_widget_get_parent (picture), FALSE);
  if (texture != NULL)
    gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  else
    sd_thumbnailer_load_async (self->thumbnailer, url, self->cancellable,
                               on_thumbnail_loaded_cb, g_object_ref (picture));
}

static void
add_thumbnails (SdTaskDetails *self,
                SdRequest     *request)
{
  const char *first = sd_request_get_first_image (request);
  const char *last = sd_request_get_last_image (request);
  const char * const *images = sd_request_get_images (request);

  if (self->thumbnailer == NULL)
    return;
  if (first != NULL)
    add_thumbnail (self, first, _("First frame"));
  if (last != NULL)
    add_thumbnail (self, last, _("Last frame"));
  for (guint i = 0; images != NULL && images[i] != NULL; i++)
    add_thumbnail (self, images[i], _("Reference image"));
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnails),
                          gtk_widget_get_first_child (GTK_WIDGET (self->thumbnails)) != NULL);
}

static void
add_request_fields (SdTaskDetails *self,
                    SdRequest     *request)
{
  const char *model_id = sd_request_get_model (request);
  SdCatalog *catalog = self->context != NULL ? sd_context_get_catalog (self->context) : NULL;
  SdModel *model = catalog != NULL && model_id != NULL ? sd_catalog_lookup (catalog, model_id) : NULL;
  g_autofree char *model_text = NULL;

  if (model != NULL && g_strcmp0 (sd_model_get_display_name (model), model_id) != 0)
    /* Translators: a model's name and its id, such as "Seedance 2.0 (seedance2.0-std)" */
    model_text = g_strdup_printf (_("%s (%s)"), sd_model_get_display_name (model), model_id);
  add_field (self, "model", _("Model"), model_text != NULL ? model_text : model_id);
  add_int_field (self, "duration", _("Duration"), sd_request_get_duration (request));
  add_field (self, "ratio", _("Ratio"), sd_request_get_ratio (request));
  add_field (self, "resolution", _("Resolution"), sd_request_get_resolution (request));
  add_field (self, "orientation", _("Orientation"), sd_request_get_orientation (request));
  add_field (self, "first-image", _("First frame"), sd_request_get_first_image (request));
  add_field (self, "last-image", _("Last frame"), sd_request_get_last_image (request));
  add_list_field (self, "images", _("Reference images"), sd_request_get_images (request));
  add_list_field (self, "reference-videos", _("Reference videos"),
                  sd_request_get_reference_videos (request));
  add_list_field (self, "reference-audios", _("Reference audio"),
                  sd_request_get_reference_audios (request));
}

static void
add_status_fields (SdTaskDetails *self,
                   SdTask        *task)
{
  SdTaskStatus status = sd_task_get_status (task);

  add_field (self, "status", _("Status"), sd_task_row_get_status_word (status));
  if (status == SD_TASK_STATUS_FAILED || status == SD_TASK_STATUS_UNCERTAIN ||
      status == SD_TASK_STATUS_NOT_FOUND)
    add_field (self, "reason", _("Reason"), sd_task_get_failure_message (task));
  add_field (self, "task-id", _("Task ID"), sd_task_get_id (task));
  add_field (self, "label", _("Label"), sd_task_get_label (task));
  add_time_field (self, "submitted", _("Submitted"), sd_task_get_created_at (task));
  if (sd_task_get_is_finished (task))
    add_time_field (self, "finished", _("Finished"), sd_task_get_updated_at (task));
  add_time_field (self, "expires", sd_task_is_link_expired (task, g_get_real_time () / G_USEC_PER_SEC)
                                   ? _("Link expired") : _("Link expires"),
                  sd_task_get_expires_at (task));
}

/* Under the file's path, across both columns, one under the other when
 * the pane is narrow: the pane is as narrow as its widest part (it shares
 * the window with the results), and wider content would be cut. */
static void
add_file_buttons (SdTaskDetails *self)
{
  GtkWidget *box = gtk_flow_box_new ();
  GtkWidget *open = gtk_button_new_with_label (_("Open"));
  GtkWidget *show = gtk_button_new_with_label (_("Show in Folder"));

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (box), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (box), 6);
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "details.open");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (show), "details.show-in-folder");
  gtk_flow_box_append (GTK_FLOW_BOX (box), open);
  gtk_flow_box_append (GTK_FLOW_BOX (box), show);
  gtk_grid_attach (self->fields, box, 0, self->n_rows++, 2, 1);
}

static void
add_file_fields (SdTaskDetails *self,
                 SdTask        *task)
{
  const char *path = sd_task_get_local_file (task);
  g_autofree char *estimate = NULL;

  add_field (self, "file", _("Saved to"), path);
  if (path != NULL)
    add_file_buttons (self);
  add_field (self, "download-error", _("Could not save"), sd_task_get_download_error (task));
  if (sd_task_get_estimate (task) >= 0 && sd_task_get_estimate_currency (task) != NULL)
    estimate = sd_money_format (sd_task_get_estimate (task), sd_task_get_estimate_currency (task));
  add_field (self, "estimate", _("Estimate"), estimate);
}

/* The reader follows the context's store and its base. */
static SdStore *
ensure_reader (SdTaskDetails *self)
{
  SdStore *store = self->context != NULL ? sd_context_get_store (self->context) : NULL;
  g_autoptr(GError) error = NULL;

  if (store != NULL && sd_store_ensure_reader (store, &self->reader, &error) == NULL)
    g_debug ("No reader for the links: %s %d", g_quark_to_string (error->domain), error->code);
  return store != NULL ? self->reader : NULL;
}

/* The loaded tasks whose continues (or retry_of) names @task: known at
 * once, before the history answers for the rest. */
static char **
get_loaded_links (SdTaskDetails *self,
                  SdTask        *task,
                  const char *(*get_link) (SdTask *task))
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GListModel *tasks = self->context != NULL
                      ? sd_service_get_tasks (sd_context_get_service (self->context)) : NULL;

  for (guint i = 0; tasks != NULL && i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(SdTask) other = g_list_model_get_item (tasks, i);

      if (g_strcmp0 (get_link (other), sd_task_get_id (task)) == 0)
        g_strv_builder_add (ids, sd_task_get_id (other));
    }
  return g_strv_builder_end (ids);
}

static GtkWidget *
find_field (SdTaskDetails *self,
            const char    *field)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->fields)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_name (child), field) == 0)
      return child;
  return NULL;
}

/* The history's answer adds the links the loaded tasks did not know. */
static void
merge_link_field (SdTaskDetails      *self,
                  const char         *field,
                  const char         *title,
                  const char * const *ids)
{
  const char *shown = g_hash_table_lookup (self->values, field);
  g_auto(GStrv) known = g_strsplit (shown != NULL ? shown : "", "\n", -1);
  g_autoptr(GStrvBuilder) all = g_strv_builder_new ();
  g_auto(GStrv) merged = NULL;
  GtkWidget *box = find_field (self, field);

  g_strv_builder_addv (all, (const char **) known);
  for (guint i = 0; ids[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) known, ids[i]))
      {
        g_strv_builder_add (all, ids[i]);
        if (box != NULL)
          gtk_box_append (GTK_BOX (box), new_link (ids[i], "win.select-task", ids[i]));
      }
  merged = g_strv_builder_end (all);
  if (box == NULL)
    add_link_field (self, field, title, (const char * const *) ids);
  else
    g_hash_table_replace (self->values, g_strdup (field), g_strjoinv ("\n", merged));
}

static void
on_links_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SdTaskDetails) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) continuations = NULL;
  g_auto(GStrv) retries = NULL;

  if (!sd_store_query_links_finish (SD_STORE (source), result, &continuations, &retries, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No links read: %s %d", g_quark_to_string (error->domain), error->code);
      return;
    }
  /* a task shown since has its own query; this one was cancelled */
  if (self->task == NULL)
    return;
  merge_link_field (self, "continuations", _("Continued by"), (const char * const *) continuations);
  merge_link_field (self, "retries", _("Retried by"), (const char * const *) retries);
}

/* What the task names itself at once; the tasks that name it are read
 * from the whole history, off the main thread, and added when known. */
static void
add_link_fields (SdTaskDetails *self,
                 SdTask        *task)
{
  const char *continues[] = { sd_task_get_continues (task), NULL };
  const char *retry_of[] = { sd_task_get_retry_of (task), NULL };
  SdStore *reader = ensure_reader (self);
  g_auto(GStrv) continuations = NULL;
  g_auto(GStrv) retries = NULL;

  add_group_field (self, task);
  add_link_field (self, "continues", _("Continues"), continues);
  add_link_field (self, "retry-of", _("Retries"), retry_of);
  continuations = get_loaded_links (self, task, sd_task_get_continues);
  add_link_field (self, "continuations", _("Continued by"), (const char * const *) continuations);
  retries = get_loaded_links (self, task, sd_task_get_retry_of);
  add_link_field (self, "retries", _("Retried by"), (const char * const *) retries);
  if (reader != NULL)
    sd_store_query_links_async (reader, sd_task_get_id (task), self->cancellable,
                                on_links_loaded_cb, g_object_ref (self));
}

static void
clear_fields (SdTaskDetails *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->values);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields))) != NULL)
    gtk_grid_remove (self->fields, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->thumbnails))) != NULL)
    gtk_flow_box_remove (self->thumbnails, child);
  self->n_rows = 0;
}

static void
update_actions (SdTaskDetails *self)
{
  SdRequest *request = self->task != NULL ? sd_task_get_request (self->task) : NULL;
  const char *prompt = request != NULL ? sd_request_get_prompt (request) : NULL;
  gboolean saved = self->task != NULL && sd_task_get_local_file (self->task) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.copy-prompt",
                                 prompt != NULL && *prompt != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.copy-id", self->task != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.copy-command", request != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.open", saved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.show-in-folder", saved);
}

static void
update_fields (SdTaskDetails *self)
{
  SdRequest *request = self->task != NULL ? sd_task_get_request (self->task) : NULL;
  const char *prompt = request != NULL ? sd_request_get_prompt (request) : NULL;
  g_autofree char *command = NULL;

  clear_fields (self);
  gtk_widget_set_visible (self->empty_label, self->task == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->prompt_label), self->task != NULL);
  gtk_widget_set_visible (self->copy_buttons, self->task != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnails), FALSE);
  update_actions (self);
  if (self->task == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  gtk_label_set_text (self->prompt_label,
                      prompt != NULL && *prompt != '\0' ? prompt : _("No prompt"));
  if (prompt != NULL)
    g_hash_table_replace (self->values, g_strdup ("prompt"), g_strdup (prompt));
  add_status_fields (self, self->task);
  if (request != NULL)
    add_request_fields (self, request);
  add_file_fields (self, self->task);
  add_link_fields (self, self->task);
  if (request != NULL)
    {
      command = sd_request_to_command_line (request);
      add_field (self, "command", _("Command"), command);
      add_thumbnails (self, request);
    }
}

/* Progress comes often and is on the row: the fields stay. */
static void
on_task_notify_cb (SdTaskDetails *self,
                   GParamSpec    *pspec,
                   SdTask        *task)
{
  if (g_str_equal (pspec->name, "progress") || g_str_equal (pspec->name, "download-progress"))
    return;
  update_fields (self);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  static const struct { const char *details; const char *win; } actions[] = {
    { "details.copy-prompt", "win.copy-task-prompt" },
    { "details.copy-id", "win.copy-task-id" },
    { "details.copy-command", "win.copy-task-command" },
    { "details.open", "win.open-task" },
    { "details.show-in-folder", "win.show-task-in-folder" },
  };
  SdTaskDetails *self = SD_TASK_DETAILS (widget);

  if (self->task == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (action_name, actions[i].details))
      gtk_widget_activate_action (widget, actions[i].win, "s", sd_task_get_id (self->task));
}

static void
set_context (SdTaskDetails *self,
             SdContext     *context)
{
  if (!g_set_object (&self->context, context) || context == NULL)
    return;

  g_clear_object (&self->thumbnailer);
  self->thumbnailer = sd_thumbnailer_new_for_context (context);
}

static void
sd_task_details_dispose (GObject *object)
{
  SdTaskDetails *self = SD_TASK_DETAILS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_TASK_DETAILS);
  g_clear_object (&self->task_signals);
  g_clear_object (&self->task);
  g_clear_object (&self->thumbnailer);
  g_clear_object (&self->reader);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (sd_task_details_parent_class)->dispose (object);
}

static void
sd_task_details_finalize (GObject *object)
{
  SdTaskDetails *self = SD_TASK_DETAILS (object);

  g_hash_table_unref (self->values);

  G_OBJECT_CLASS (sd_task_details_parent_class)->finalize (object);
}

static void
sd_task_details_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SdTaskDetails *self = SD_TASK_DETAILS (object);

  switch (prop_id)
    {
    case PROP_TASK:
      g_value_set_object (value, self->task);
      break;

    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_task_details_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SdTaskDetails *self = SD_TASK_DETAILS (object);

  switch (prop_id)
    {
    case PROP_TASK:
      sd_task_details_set_task (self, g_value_get_object (value));
      break;

    case PROP_CONTEXT:
      set_context (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_task_details_class_init (SdTaskDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_task_details_dispose;
  object_class->finalize = sd_task_details_finalize;
  object_class->get_property = sd_task_details_get_property;
  object_class->set_property = sd_task_details_set_property;

  properties[PROP_TASK] =
    g_param_spec_object ("task", NULL, NULL,
                         SD_TYPE_TASK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         SD_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/seedancestudio/SeedanceStudio/gui/sd-task-details.ui");
  gtk_widget_class_bind_template_child (widget_class, SdTaskDetails, scroller);
  gtk_widget_class_bind_template_child (widget_class, SdTaskDetails, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SdTaskDetails, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, SdTaskDetails, copy_buttons);
  gtk_widget_class_bind_template_child (widget_class, SdTaskDetails, fields);
  gtk_widget_class_bind_template_child (widget_class, SdTaskDetails, thumbnails);

  gtk_widget_class_install_action (widget_class, "details.copy-prompt", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "details.copy-id", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "details.copy-command", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "details.open", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "details.show-in-folder", NULL, copy_action);

  gtk_widget_class_set_css_name (widget_class, "taskdetails");
}

static void
sd_task_details_init (SdTaskDetails *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->task_signals = g_signal_group_new (SD_TYPE_TASK);
  g_signal_group_connect_object (self->task_signals, "notify",
                                 G_CALLBACK (on_task_notify_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* the buttons are the Tab stops, not the flow box's children */
  for (GtkWidget *child = gtk_widget_get_first_child (self->copy_buttons); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  update_fields (self);
}

GtkWidget *
sd_task_details_new (SdContext *context)
{
  g_return_val_if_fail (context == NULL || SD_IS_CONTEXT (context), NULL);

  return g_object_new (SD_TYPE_TASK_DETAILS, "context", context, NULL);
}

SdTask *
sd_task_details_get_task (SdTaskDetails *self)
{
  g_return_val_if_fail (SD_IS_TASK_DETAILS (self), NULL);

  return self->task;
}

void
sd_task_details_set_task (SdTaskDetails *self,
                          SdTask        *task)
{
  g_return_if_fail (SD_IS_TASK_DETAILS (self));
  g_return_if_fail (task == NULL || SD_IS_TASK (task));

  if (!g_set_object (&self->task, task))
    return;
  g_debug ("Details of task %s", task != NULL ? sd_task_get_id (task) : "(none)");
  g_signal_group_set_target (self->task_signals, task);
  update_fields (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
}

const char *
sd_task_details_get_field (SdTaskDetails *self,
                           const char    *field)
{
  g_return_val_if_fail (SD_IS_TASK_DETAILS (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  return g_hash_table_lookup (self->values, field);
}
