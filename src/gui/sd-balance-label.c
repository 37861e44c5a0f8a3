/* sd-balance-label.c: what the account may still spend, in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-balance-label"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-balance-label.h"
#include "sd-service.h"

/* Tasks often end close together: one request after the last of them. */
#define REFRESH_DELAY_MS 1000

struct _SdBalanceLabel
{
  GtkWidget     parent_instance;

  GtkLabel     *label;
  SdContext    *context;
  GCancellable *cancellable;   /* the request in flight */
  SdBalance    *balance;
  guint         refresh_source;
};

G_DEFINE_FINAL_TYPE (SdBalanceLabel, sd_balance_label, GTK_TYPE_WIDGET)

static void
show_text (SdBalanceLabel *self,
           const char     *text,
           const char     *tooltip,
           gboolean        dimmed)
{
  gtk_label_set_label (self->label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  if (dimmed)
    gtk_widget_add_css_class (GTK_WIDGET (self->label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
}

static void
show_balance (SdBalanceLabel *self)
{
  g_autofree char *amount = NULL;

  if (self->balance->unlimited)
    {
      show_text (self, _("Unlimited"), _("This token has no spending cap at the provider"), FALSE);
      return;
    }
  amount = sd_money_format (sd_balance_get_money (self->balance), SD_CURRENCY_COIN);
  show_text (self, amount, _("Available balance at the provider, in its own coins"), FALSE);
}

static void
on_balance_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(SdBalanceLabel) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_autofree char *tooltip = NULL;
  SdBalance *balance = sd_client_get_balance_finish (SD_CLIENT (source), result, &error);

  g_weak_ref_clear (weak);
  g_free (weak);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (balance);
      return;
    }
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->balance, g_free);
  self->balance = balance;
  if (balance != NULL)
    {
      g_debug ("Balance read");
      show_balance (self);
      return;
    }
  if (error == NULL)
    {
      g_debug ("The server has no balance endpoint");
      show_text (self, NULL, NULL, FALSE);
      return;
    }
  /* Quiet: the notice bar already speaks for a refused token or address. */
  g_debug ("The balance could not be read: %s %d", g_quark_to_string (error->domain), error->code);
  /* Translators: %s is why the balance could not be read */
  tooltip = g_strdup_printf (_("The balance could not be read: %s"), error->message);
  show_text (self, _("Balance unknown"), tooltip, TRUE);
}

static gboolean
can_ask (SdBalanceLabel *self)
{
  return self->context != NULL && sd_context_get_has_token (self->context) &&
         sd_context_get_base_url_error (self->context) == NULL;
}

static void
refresh (SdBalanceLabel *self)
{
  GWeakRef *weak;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (!can_ask (self))
    {
      g_clear_pointer (&self->balance, g_free);
      show_text (self, NULL, NULL, FALSE);
      return;
    }
  /* A weak reference: a request never keeps a closed window's label, nor
   * through it the context, alive. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  self->cancellable = g_cancellable_new ();
  sd_client_get_user_balance_async (sd_context_get_client (self->context), self->cancellable,
                                    on_balance_cb, weak);
}

static gboolean
refresh_cb (gpointer user_data)
{
  SdBalanceLabel *self = user_data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_task_ended_cb (SdBalanceLabel *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
}

static void
sd_balance_label_dispose (GObject *object)
{
  SdBalanceLabel *self = SD_BALANCE_LABEL (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* A window closed (leaving demo mode) lets its context go at once. */
  if (self->context != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->context, self);
      g_signal_handlers_disconnect_by_data (sd_context_get_service (self->context), self);
      g_clear_object (&self->context);
    }
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (sd_balance_label_parent_class)->dispose (object);
}

static void
sd_balance_label_finalize (GObject *object)
{
  SdBalanceLabel *self = SD_BALANCE_LABEL (object);

  g_clear_pointer (&self->balance, g_free);

  G_OBJECT_CLASS (sd_balance_label_parent_class)->finalize (object);
}

static void
sd_balance_label_class_init (SdBalanceLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_balance_label_dispose;
  object_class->finalize = sd_balance_label_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_widget_class_set_css_name (widget_class, "balance");
}

static void
sd_balance_label_init (SdBalanceLabel *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
  /* The label's own name is its text (the value): the name is here. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Balance"), -1);
  gtk_widget_set_name (GTK_WIDGET (self), "balance_label");
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
sd_balance_label_new (void)
{
  return g_object_new (SD_TYPE_BALANCE_LABEL, NULL);
}

void
sd_balance_label_set_context (SdBalanceLabel *self,
                              SdContext      *context)
{
  SdService *service;

  g_return_if_fail (SD_IS_BALANCE_LABEL (self));
  g_return_if_fail (SD_IS_CONTEXT (context));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  service = sd_context_get_service (context);
  g_signal_connect_object (context, "notify::has-token", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::base-url-error", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::demo", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "task-completed", G_CALLBACK (on_task_ended_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "task-failed", G_CALLBACK (on_task_ended_cb), self, G_CONNECT_SWAPPED);
  refresh (self);
}

const SdBalance *
sd_balance_label_get_balance (SdBalanceLabel *self)
{
  g_return_val_if_fail (SD_IS_BALANCE_LABEL (self), NULL);

  return self->balance;
}

const char *
sd_balance_label_get_text (SdBalanceLabel *self)
{
  g_return_val_if_fail (SD_IS_BALANCE_LABEL (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self)) ? gtk_label_get_label (self->label) : NULL;
}
