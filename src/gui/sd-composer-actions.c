/* sd-composer-actions.c: what the composer's buttons and shortcuts do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-composer"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-api.h"
#include "sd-composer-private.h"
#include "sd-service.h"

/* Paste ---------------------------------------------------------------------- */

static void
paste_images_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  sd_media_list_paste (SD_COMPOSER (widget)->images_list);
}

/* Actions -------------------------------------------------------------------- */

static void
add_image_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_widget_activate_action (GTK_WIDGET (SD_COMPOSER (widget)->images_list), "media.add", NULL);
}

static void
focus_prompt_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (SD_COMPOSER (widget)->prompt_view));
}

void
_sd_composer_set_submitting (SdComposer *self,
                             gboolean    submitting)
{
  self->submitting = submitting;
  gtk_stack_set_visible_child_name (self->generate_stack, submitting ? "spinner" : "label");
  gtk_spinner_set_spinning (self->generate_spinner, submitting);
  _sd_composer_update_can_generate (self);
}

/* One task, or Takes: N tasks in one group: either way they are in the
 * results at once, waiting or sent, cancellable and editable while they
 * wait, and a refused one says why on its row. Nothing here waits for a
 * create: a full cap must not hold the composer. */
static void
generate_queued (SdComposer *self,
                 SdRequest  *request,
                 int         n_takes)
{
  SdService *service = sd_context_get_service (self->context);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(SdTask) task = NULL;
  g_autoptr(GError) error = NULL;

  if (n_takes > 1)
    tasks = sd_service_submit_takes (service, request, (guint) n_takes, NULL, &error);
  else
    task = sd_service_submit_queued (service, request, &error);
  if (tasks == NULL && task == NULL)
    {
      g_debug ("Generate failed: %s", error->message);
      _sd_composer_show_message (self, error->message);
      return;
    }
  if (tasks != NULL && tasks->len > 0)
    task = g_object_ref (g_ptr_array_index (tasks, 0));
  g_debug ("Generate: %u tasks queued", tasks != NULL ? tasks->len : 1);
  /* the new row in the results says it was queued */
  if (task != NULL)
    _sd_composer_emit_submitted (self, task);
}

static void
generate_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdComposer *self = SD_COMPOSER (widget);
  g_autoptr(SdRequest) request = NULL;

  if (!self->can_generate)
    return;

  request = sd_request_copy (self->request);
  /* the last failure goes while the spinner turns: the same error again
   * shows again, so Generate is never seen doing nothing */
  _sd_composer_show_message (self, NULL);
  _sd_composer_set_submitting (self, TRUE);
  _sd_composer_media_submit (self, request);
}

/* After the local files are uploaded (sd-composer-media.c). */
void
_sd_composer_send (SdComposer *self,
                   SdRequest  *request)
{
  _sd_composer_set_submitting (self, FALSE);
  generate_queued (self, request, gtk_spin_button_get_value_as_int (self->takes_spin));
}

static void
setup_generate_shortcut (SdComposer *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutAction *action = gtk_named_action_new ("composer.generate");

  /* capture phase: Ctrl+Enter generates even from inside the prompt */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < 2; i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (i == 0 ? GDK_KEY_Return : GDK_KEY_KP_Enter,
                                                                                    GDK_CONTROL_MASK),
                                                            i == 0 ? action : g_object_ref (action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

void
_sd_composer_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "composer.generate", NULL, generate_cb);
  gtk_widget_class_install_action (widget_class, "composer.paste-images", NULL, paste_images_cb);
  gtk_widget_class_install_action (widget_class, "composer.focus-prompt", NULL, focus_prompt_cb);
  gtk_widget_class_install_action (widget_class, "composer.add-image", NULL, add_image_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "composer.paste-images", NULL);
}

void
_sd_composer_init_actions (SdComposer *self)
{
  setup_generate_shortcut (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.generate", FALSE);
}
