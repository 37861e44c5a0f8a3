/* sd-notice-bar.c: a lasting condition, at the top of the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-notice-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-a11y.h"
#include "sd-notice-bar.h"

struct _SdNoticeBar
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
#if ADW_CHECK_VERSION (1, 3, 0)
  AdwBanner   *banner;
#else
  GtkLabel    *label;
  GtkButton   *button;
#endif
  GtkButton   *close_button;

  char        *title;
  char        *button_label;
  char        *action_name;
};

G_DEFINE_FINAL_TYPE (SdNoticeBar, sd_notice_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REVEALED,
  N_PROPS
};

enum {
  SIGNAL_DISMISSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_revealed (SdNoticeBar *self,
              gboolean     revealed)
{
  if (gtk_revealer_get_reveal_child (self->revealer) == revealed)
    return;
  gtk_revealer_set_reveal_child (self->revealer, revealed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}

static void
on_close_clicked_cb (SdNoticeBar *self)
{
  set_revealed (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_DISMISSED], 0);
}

#if ADW_CHECK_VERSION (1, 3, 0)
static GtkWidget *
build_message (SdNoticeBar *self)
{
  self->banner = ADW_BANNER (adw_banner_new (""));
  adw_banner_set_revealed (self->banner, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->banner), TRUE);
  return GTK_WIDGET (self->banner);
}

static void
apply_message (SdNoticeBar *self)
{
  /* a banner's title is markup; ours is plain text */
  g_autofree char *escaped = g_markup_escape_text (self->title != NULL ? self->title : "", -1);

  adw_banner_set_title (self->banner, escaped);
  adw_banner_set_button_label (self->banner, self->button_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->banner), self->action_name);
}
#else
static GtkWidget *
build_message (SdNoticeBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->label, 0.5);
  gtk_label_set_justify (self->label, GTK_JUSTIFY_CENTER);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "heading");

  self->button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->button, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "suggested-action");

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->button));
  gtk_widget_set_hexpand (box, TRUE);
  return box;
}

static void
apply_message (SdNoticeBar *self)
{
  gtk_label_set_text (self->label, self->title != NULL ? self->title : "");
  gtk_widget_set_visible (GTK_WIDGET (self->button), self->button_label != NULL);
  if (self->button_label != NULL)
    {
      g_autofree char *name = sd_a11y_strip_mnemonic (self->button_label);

      gtk_button_set_label (self->button, self->button_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), self->action_name);
}
#endif

static void
sd_notice_bar_dispose (GObject *object)
{
  SdNoticeBar *self = SD_NOTICE_BAR (object);

  g_clear_pointer ((GtkWidget **) &self->revealer, gtk_widget_unparent);

  G_OBJECT_CLASS (sd_notice_bar_parent_class)->dispose (object);
}

static void
sd_notice_bar_finalize (GObject *object)
{
  SdNoticeBar *self = SD_NOTICE_BAR (object);

  g_free (self->title);
  g_free (self->button_label);
  g_free (self->action_name);

  G_OBJECT_CLASS (sd_notice_bar_parent_class)->finalize (object);
}

static void
sd_notice_bar_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdNoticeBar *self = SD_NOTICE_BAR (object);

  switch (prop_id)
    {
    case PROP_REVEALED:
      g_value_set_boolean (value, sd_notice_bar_get_revealed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_notice_bar_class_init (SdNoticeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_notice_bar_dispose;
  object_class->finalize = sd_notice_bar_finalize;
  object_class->get_property = sd_notice_bar_get_property;

  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_DISMISSED] =
    g_signal_new ("dismissed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "noticebar");
}

static void
sd_notice_bar_init (SdNoticeBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->close_button = GTK_BUTTON (gtk_button_new_from_icon_name ("window-close-symbolic"));
  gtk_widget_set_valign (GTK_WIDGET (self->close_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->close_button), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (self->close_button), "circular");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->close_button), _("Dismiss"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->close_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dismiss this notice"),
                                  -1);
  g_signal_connect_object (self->close_button, "clicked",
                           G_CALLBACK (on_close_clicked_cb), self, G_CONNECT_SWAPPED);

  gtk_box_append (GTK_BOX (box), build_message (self));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->close_button));
  gtk_widget_add_css_class (box, "notice-bar");

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (self->revealer, box);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));
}

GtkWidget *
sd_notice_bar_new (void)
{
  return g_object_new (SD_TYPE_NOTICE_BAR, NULL);
}

const char *
sd_notice_bar_get_title (SdNoticeBar *self)
{
  g_return_val_if_fail (SD_IS_NOTICE_BAR (self), NULL);

  return self->title;
}

const char *
sd_notice_bar_get_button_label (SdNoticeBar *self)
{
  g_return_val_if_fail (SD_IS_NOTICE_BAR (self), NULL);

  return self->button_label;
}

const char *
sd_notice_bar_get_action_name (SdNoticeBar *self)
{
  g_return_val_if_fail (SD_IS_NOTICE_BAR (self), NULL);

  return self->action_name;
}

gboolean
sd_notice_bar_get_revealed (SdNoticeBar *self)
{
  g_return_val_if_fail (SD_IS_NOTICE_BAR (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

void
sd_notice_bar_show (SdNoticeBar *self,
                    const char  *title,
                    const char  *button_label,
                    const char  *action_name)
{
  g_return_if_fail (SD_IS_NOTICE_BAR (self));
  g_return_if_fail (title != NULL);

  g_debug ("Notice: %s", title);
  g_free (self->title);
  self->title = g_strdup (title);
  g_free (self->button_label);
  self->button_label = g_strdup (button_label);
  g_free (self->action_name);
  self->action_name = g_strdup (action_name);
  apply_message (self);
  set_revealed (self, TRUE);
}

void
sd_notice_bar_hide (SdNoticeBar *self)
{
  g_return_if_fail (SD_IS_NOTICE_BAR (self));

  set_revealed (self, FALSE);
}
