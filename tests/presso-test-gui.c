/* presso-test-gui.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-test-gui"

#include "config.h"

#include "presso-application.h"
#include "presso-test-gui.h"
#include "presso-ui-util.h"

typedef struct
{
  GtkWidget     *widget;
  GskRenderNode *node;
} Shot;

/* Labels and live graphs change many times a second, and a widget whose size is being
 * recomputed cannot be pictured: take the picture just after a paint, when all is laid out. */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   Shot          *shot)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;

  if (shot->node != NULL)
    return;
  paintable = gtk_widget_paintable_new (shot->widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (shot->widget),
                          gtk_widget_get_height (shot->widget));
  shot->node = gtk_snapshot_free_to_node (snapshot);
}

/**
 * presso_test_load_style:
 *
 * Loads the application's style sheet for the default display, as presso does at start.
 */
void
presso_test_load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  presso_ui_ensure_resources ();
  gtk_css_provider_load_from_resource (provider, "/io/github/presso/Presso/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/**
 * presso_test_spin:
 * @ms: how long
 *
 * Runs the default main context for @ms milliseconds, sleeping a millisecond whenever it has
 * nothing to do (so that a busy test leaves the machine to the X server and presso-sim).
 */
void
presso_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/**
 * presso_test_spin_until:
 * @data: what @done is given, usually the test's fixture
 * @done: the condition
 * @timeout_ms: how long to wait at the most
 *
 * Runs the default main context until @done comes true or @timeout_ms have passed.
 *
 * Returns: whether @done came true
 */
gboolean
presso_test_spin_until (gpointer            data,
                        PressoTestCondition done,
                        guint               timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return done (data);
}

/**
 * presso_test_find:
 * @root: where to look
 * @id: the id given in a .ui file
 *
 * Fails the test when there is no widget with @id under @root.
 *
 * Returns: (transfer none): the widget
 */
GtkWidget *
presso_test_find (GtkWidget  *root,
                  const char *id)
{
  GtkWidget *widget = presso_find_child_by_id (root, id);

  if (widget == NULL)
    g_error ("no widget with id %s in %s", id, G_OBJECT_TYPE_NAME (root));
  return widget;
}

/**
 * presso_test_find_named:
 * @root: where to look
 * @name: a widget name (gtk_widget_set_name())
 *
 * Returns: (transfer none) (nullable): @root or the first widget under it named @name
 */
GtkWidget *
presso_test_find_named (GtkWidget  *root,
                        const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = presso_test_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * presso_test_find_button:
 * @root: where to look
 * @label: a button's label, with its mnemonic underscore
 *
 * Returns: (transfer none) (nullable): @root or the first button under it labelled @label
 */
GtkWidget *
presso_test_find_button (GtkWidget  *root,
                         const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = presso_test_find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * presso_test_find_toplevel:
 * @type: a window type
 *
 * Returns: (transfer none) (nullable): the first visible toplevel of @type
 */
GtkWindow *
presso_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

/**
 * presso_test_message_dialog:
 *
 * Returns: (transfer none) (nullable): the open AdwMessageDialog, if any
 */
AdwMessageDialog *
presso_test_message_dialog (void)
{
  GtkWindow *dialog = presso_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL ? ADW_MESSAGE_DIALOG (dialog) : NULL;
}

/**
 * presso_test_close_dialogs:
 *
 * Destroys every open AdwMessageDialog, as a test's tear-down does before its window.
 */
void
presso_test_close_dialogs (void)
{
  AdwMessageDialog *dialog;

  while ((dialog = presso_test_message_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
}

/**
 * presso_test_render:
 * @widget: a mapped window (or a widget in one)
 *
 * Pictures @widget as the screen shows it, just after its next paint.
 *
 * Returns: (transfer full): the picture
 */
GdkTexture *
presso_test_render (GtkWidget *widget)
{
  GdkFrameClock *clock;
  Shot shot = { widget, NULL };
  GdkTexture *texture;
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  gulong id;

  g_assert_true (gtk_widget_get_mapped (widget));
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &shot);
  while (shot.node == NULL && g_get_monotonic_time () < end)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
  g_assert_nonnull (shot.node);
  g_assert_cmpint (gtk_widget_get_width (widget), >, 0);
  g_assert_cmpint (gtk_widget_get_height (widget), >, 0);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         shot.node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  gsk_render_node_unref (shot.node);
  return texture;
}

/**
 * presso_test_save_screenshot:
 * @widget: a mapped window (or a widget in one)
 * @name: the PNG's file name
 *
 * Saves presso_test_render()'s picture of @widget as @name in the test's build directory.
 */
void
presso_test_save_screenshot (GtkWidget  *widget,
                             const char *name)
{
  g_autoptr(GdkTexture) texture = presso_test_render (widget);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}
