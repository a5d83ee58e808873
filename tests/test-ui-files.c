/* test-ui-files.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every .ui file in Presso's GResource loads: templates by creating their widget (a template
 * error is a critical, fatal under gtk_test_init()), the others with GtkBuilder.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <gmodule.h>

#include "presso-application.h"

#define RESOURCE_ROOT "/io/github/presso/Presso/"

static void
collect_ui_files (const char *path,
                  GPtrArray  *files)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) children = g_resources_enumerate_children (path, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *child = g_strconcat (path, children[i], NULL);

      if (g_str_has_suffix (children[i], "/"))
        collect_ui_files (child, files);
      else if (g_str_has_suffix (children[i], ".ui"))
        g_ptr_array_add (files, g_steal_pointer (&child));
    }
}

/* The type of a template class, registering it if nothing has yet: PressoFooBar is registered
 * by presso_foo_bar_get_type(), found in this program (linked whole, symbols exported), so
 * that a page added to the GResource later is checked without touching this test. */
static GType
template_type (const char *class_name)
{
  g_autoptr(GString) symbol = g_string_new (NULL);
  GType (*get_type) (void) = NULL;
  GType type = g_type_from_name (class_name);
  GModule *self;

  if (type != G_TYPE_INVALID)
    return type;
  for (const char *c = class_name; *c != '\0'; c++)
    {
      if (g_ascii_isupper (*c) && c != class_name)
        g_string_append_c (symbol, '_');
      g_string_append_c (symbol, g_ascii_tolower (*c));
    }
  g_string_append (symbol, "_get_type");
  self = g_module_open (NULL, 0);
  g_assert_nonnull (self);
  if (!g_module_symbol (self, symbol->str, (gpointer *) &get_type))
    g_error ("%s: no %s() in the program", class_name, symbol->str);
  return get_type ();
}

/* The class of <template class="..."> in @data, or NULL. */
static char *
template_class (const char *data)
{
  const char *start = strstr (data, "<template class=\"");
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen ("<template class=\"");
  end = strchr (start, '"');
  return g_strndup (start, end - start);
}

static void
test_ui_files_load (void)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  guint n_templates = 0;

  collect_ui_files (RESOURCE_ROOT, files);
  g_assert_cmpuint (files->len, >=, 7);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autofree char *data = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_autofree char *class_name = template_class (data);

      g_test_message ("loading %s", path);
      if (class_name != NULL)
        {
          GType type = template_type (class_name);
          GObject *object;

          g_assert_true (type != G_TYPE_INVALID);
          object = g_object_new (type, NULL);
          g_assert_true (GTK_IS_WIDGET (object));
          if (GTK_IS_WINDOW (object))
            gtk_window_destroy (GTK_WINDOW (object));
          else
            g_object_unref (g_object_ref_sink (object));
          n_templates++;
        }
      else
        {
          g_autoptr(GtkBuilder) builder = gtk_builder_new ();
          g_autoptr(GError) error = NULL;

          gtk_builder_add_from_resource (builder, path, &error);
          g_assert_no_error (error);
          if (g_str_has_suffix (path, "/presso-shortcuts-window.ui"))
            {
              GObject *overlay = gtk_builder_get_object (builder, "shortcuts_window");

              g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
              gtk_window_destroy (GTK_WINDOW (overlay));
            }
        }
    }
  g_assert_cmpuint (n_templates, >=, 6);
}

static void
test_ui_style_and_icon (void)
{
  g_assert_true (g_resources_get_info (RESOURCE_ROOT "style.css", 0, NULL, NULL, NULL));
  g_assert_true (g_resources_get_info (RESOURCE_ROOT "icons/scalable/apps/" APP_ID ".svg",
                                       0, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  presso_ui_ensure_resources ();

  g_test_add_func ("/presso/ui/files/load", test_ui_files_load);
  g_test_add_func ("/presso/ui/files/style-and-icon", test_ui_style_and_icon);

  return g_test_run ();
}
