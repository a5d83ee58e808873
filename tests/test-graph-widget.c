/* test-graph-widget.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pressure graph and the garment view on a real window (Xvfb), fed a sequential program
 * over 8 chambers, rendered to PNG files in the build directory in light and dark styles and
 * at a phone-narrow width; the pixels are checked for what a user relies on.
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "presso-garment-view-private.h"
#include "presso-graph-style.h"
#include "presso-pressure-graph-private.h"

#define N_CH       8
#define RATE       100
#define SKIPPED    6          /* chamber 7 on screen */
#define FULL_SCALE 60.0

typedef struct {
  GtkWidget          *window;
  GtkWidget          *graph;
  GtkWidget          *garments;
  PressoSampleBuffer *buffer;
} Fixture;

typedef struct {
  guchar *data;     /* BGRA premultiplied, as GdkTexture downloads it */
  int     width, height;
  gsize   stride;
} Image;

static const presso_proto_outlet outlets[] = {
  { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 4 },
  { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 4, 4 },
};

/* A sequential program with a 12 s cycle: chamber c starts filling at c s, reaches its target
 * (50 − 2c mmHg, distal highest) in 0.8 s, all hold until 9 s, release until 10 s, rest. */
static double
sequential_pressure (guint   c,
                     double  tau,
                     double *target)
{
  double start = c, full = 50 - 2.0 * c;

  *target = c == SKIPPED ? 0 : full;
  if (c == SKIPPED || tau < start)
    return 0;
  if (tau < 9)
    return full * MIN (1, (tau - start) / 0.8);
  if (tau < 10)
    return full * (10 - tau);
  return 0;
}

/* 40.5 s: three cycles and then half-way through the fifth chamber's filling. */
static PressoSampleBuffer *
make_buffer (void)
{
  PressoSampleBuffer *buf = presso_sample_buffer_new (N_CH, RATE, 3600);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i <= 4050; i++)
    {
      double t = i / (double) RATE, tau = fmod (t, 12);
      gint16 m[N_CH], g[N_CH];
      guint8 active = tau < 8 && (guint) tau != SKIPPED ? (guint8) tau : PRESSO_SAMPLE_BUFFER_NO_CHAMBER;

      for (guint c = 0; c < N_CH; c++)
        {
          double target, p = sequential_pressure (c, tau, &target);

          /* sensor noise of ±0.5 mmHg on an inflated chamber */
          if (p > 0)
            p += g_rand_double_range (rand, -0.5, 0.5);
          m[c] = (gint16) lround (p * 10);
          g[c] = (gint16) lround (target * 10);
        }
      presso_sample_buffer_append (buf, 1000000 + i * 10, m, g, active);
    }

  return buf;
}

static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 end = g_get_monotonic_time () + 20000;

      while (g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE);
    }
  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_set_up (Fixture *f,
                int      width,
                int      height,
                gboolean vertical)
{
  GtkWidget *box = gtk_box_new (vertical ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL, 12);

  f->buffer = make_buffer ();
  f->graph = presso_pressure_graph_new ();
  presso_pressure_graph_set_buffer (PRESSO_PRESSURE_GRAPH (f->graph), f->buffer);
  presso_pressure_graph_set_outlets (PRESSO_PRESSURE_GRAPH (f->graph), outlets, G_N_ELEMENTS (outlets));
  gtk_widget_set_hexpand (f->graph, TRUE);
  gtk_widget_set_vexpand (f->graph, TRUE);

  f->garments = presso_garment_view_new ();
  presso_garment_view_set_buffer (PRESSO_GARMENT_VIEW (f->garments), f->buffer);
  presso_garment_view_set_outlets (PRESSO_GARMENT_VIEW (f->garments), outlets, G_N_ELEMENTS (outlets));
  presso_garment_view_set_skipped_chambers (PRESSO_GARMENT_VIEW (f->garments), 1u << SKIPPED);
  presso_garment_view_set_full_scale (PRESSO_GARMENT_VIEW (f->garments), FULL_SCALE);
  gtk_widget_set_vexpand (f->garments, TRUE);

  gtk_box_append (GTK_BOX (box), f->graph);
  gtk_box_append (GTK_BOX (box), f->garments);
  gtk_widget_add_css_class (box, "background");
  gtk_widget_set_margin_top (box, 0);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_frames (f->graph, 10);
}

static void
fixture_tear_down (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->buffer);
}

static void
image_clear (Image *img)
{
  g_clear_pointer (&img->data, g_free);
}

/* Renders the window's content the way the screen shows it, saves it as a PNG in the build
 * directory and keeps its pixels. */
static void
render (Fixture    *f,
        const char *png_name,
        Image      *img)
{
  GtkWidget *content = gtk_window_get_child (GTK_WINDOW (f->window));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (content);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (f->window));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, png_name, NULL);
  int w = gtk_widget_get_width (content), h = gtk_widget_get_height (content);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);

  img->width = gdk_texture_get_width (texture);
  img->height = gdk_texture_get_height (texture);
  img->stride = img->width * 4;
  img->data = g_malloc (img->stride * img->height);
  gdk_texture_download (texture, img->data, img->stride);
}

static void
pixel (const Image *img,
       int          x,
       int          y,
       GdkRGBA     *out)
{
  const guchar *p = img->data + y * img->stride + x * 4;
  double a = p[3] / 255.0;

  /* un-premultiply; fully transparent counts as black */
  out->alpha = a;
  out->red = a > 0 ? p[2] / 255.0 / a : 0;
  out->green = a > 0 ? p[1] / 255.0 / a : 0;
  out->blue = a > 0 ? p[0] / 255.0 / a : 0;
}

static gboolean
close_to (const GdkRGBA *a,
          const GdkRGBA *b,
          double         tolerance)
{
  return fabs (a->red - b->red) <= tolerance && fabs (a->green - b->green) <= tolerance &&
         fabs (a->blue - b->blue) <= tolerance;
}

static graphene_rect_t
bounds_in_window (Fixture   *f,
                  GtkWidget *widget)
{
  graphene_rect_t r;

  g_assert_true (gtk_widget_compute_bounds (widget, gtk_window_get_child (GTK_WINDOW (f->window)), &r));
  return r;
}

static guint
count_color (const Image           *img,
             const graphene_rect_t *r,
             const GdkRGBA         *color)
{
  guint n = 0;

  for (int y = r->origin.y; y < r->origin.y + r->size.height && y < img->height; y++)
    for (int x = r->origin.x; x < r->origin.x + r->size.width && x < img->width; x++)
      {
        GdkRGBA px;

        pixel (img, x, y, &px);
        if (close_to (&px, color, 0.04))
          n++;
      }
  return n;
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

/* Every chamber's curve is on screen in its own colour, over the theme's background. */
static void
check_graph_pixels (Fixture     *f,
                    const Image *img,
                    gboolean     dark)
{
  PressoGraphStyle style;
  graphene_rect_t r = bounds_in_window (f, f->graph);
  graphene_rect_t plot;
  GdkRGBA bg;

  _presso_graph_style_load (&style, f->graph);
  g_assert_cmpint (style.dark, ==, dark);

  /* the middle of the plot area, away from the axis labels */
  graphene_rect_init (&plot, r.origin.x + 60, r.origin.y + 40, r.size.width - 120, r.size.height - 80);
  pixel (img, plot.origin.x + 3, plot.origin.y + 3, &bg);
  if (dark)
    g_assert_cmpfloat (luminance (&bg), <, 0.3);
  else
    g_assert_cmpfloat (luminance (&bg), >, 0.7);

  for (guint c = 0; c < N_CH; c++)
    {
      guint n = count_color (img, &plot, _presso_graph_style_chamber (&style, c));

      if (c == SKIPPED)
        continue;   /* flat at 0 mmHg, on the frame line */
      g_test_message ("chamber %u: %u pixels of its colour", c + 1, n);
      g_assert_cmpuint (n, >, 40);
    }
}

static gboolean
is_background (const GdkRGBA *px,
               const GdkRGBA *bg)
{
  return close_to (px, bg, 0.08);
}

/* Height of the fill from a band's bottom, measured on a pixel column at its right side (away
 * from the label). */
static int
fill_height (const Image           *img,
             const graphene_rect_t *band,
             const GdkRGBA         *bg)
{
  int x = band->origin.x + band->size.width - 8;
  int bottom = band->origin.y + band->size.height - 3;
  int h = 0;

  for (int y = bottom; y > band->origin.y + 2; y--, h++)
    {
      GdkRGBA px;

      pixel (img, x, y, &px);
      if (is_background (&px, bg))
        break;
    }
  return h;
}

static void
check_garment_pixels (Fixture     *f,
                      const Image *img)
{
  PressoGarmentView *view = PRESSO_GARMENT_VIEW (f->garments);
  graphene_rect_t origin = bounds_in_window (f, f->garments);
  gint16 m[N_CH];
  guint8 active;
  PressoGraphStyle style;

  _presso_graph_style_load (&style, f->garments);
  g_assert_true (presso_sample_buffer_get_latest (f->buffer, NULL, m, NULL, &active));
  g_assert_cmpuint (active, ==, 4);

  for (guint c = 0; c < N_CH; c++)
    {
      graphene_rect_t band;
      GdkRGBA marker, window_bg;
      int h, want;
      double marker_x;

      g_assert_true (_presso_garment_view_get_band (view, c, &band));
      graphene_rect_offset (&band, origin.origin.x, origin.origin.y);

      /* distal below proximal */
      if (c % 4 > 0)
        {
          graphene_rect_t below;

          _presso_garment_view_get_band (view, c - 1, &below);
          g_assert_cmpfloat (band.origin.y - origin.origin.y, <, below.origin.y);
        }

      h = fill_height (img, &band, &style.bg);
      want = (int) lround (m[c] / 10.0 / FULL_SCALE * (band.size.height));
      g_test_message ("chamber %u at %.1f mmHg: fill %d px, expected about %d of %.0f",
                      c + 1, m[c] / 10.0, h, want, band.size.height);
      if (c == SKIPPED)
        {
          /* hatched, not filled: some lines, mostly background */
          g_assert_cmpint (h, <, band.size.height - 6);
        }
      else
        {
          g_assert_cmpint (ABS (h - want), <=, 3);
        }

      /* the arrow marks the active chamber, and only it: left of the band, the pixel differs
       * from the window's background beside it */
      marker_x = band.origin.x - 5;
      pixel (img, marker_x, band.origin.y + band.size.height / 2, &marker);
      pixel (img, band.origin.x - 16, band.origin.y + band.size.height / 2, &window_bg);
      if (c == active)
        g_assert_cmpfloat (fabs (luminance (&marker) - luminance (&window_bg)), >, 0.4);
      else
        g_assert_true (close_to (&marker, &window_bg, 0.02));
    }

  /* and a chamber at higher pressure fills a taller band */
  {
    graphene_rect_t hi, lo;

    _presso_garment_view_get_band (view, 0, &hi);
    _presso_garment_view_get_band (view, 4, &lo);
    graphene_rect_offset (&hi, origin.origin.x, origin.origin.y);
    graphene_rect_offset (&lo, origin.origin.x, origin.origin.y);
    g_assert_cmpint (m[0], >, m[4]);
    g_assert_cmpint (fill_height (img, &hi, &style.bg), >, fill_height (img, &lo, &style.bg) + 5);
  }
}

static void
test_render_light_dark (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  Fixture f = { 0 };
  Image light = { 0 }, dark = { 0 };

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  fixture_set_up (&f, 1100, 420, FALSE);

  render (&f, "graph-light.png", &light);
  check_graph_pixels (&f, &light, FALSE);
  check_garment_pixels (&f, &light);

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_frames (f.graph, 5);
  render (&f, "graph-dark.png", &dark);
  check_graph_pixels (&f, &dark, TRUE);
  check_garment_pixels (&f, &dark);

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  image_clear (&light);
  image_clear (&dark);
  fixture_tear_down (&f);
}

static void
test_hover_and_hide (void)
{
  Fixture f = { 0 };
  Image plain = { 0 }, hover = { 0 }, hidden = { 0 };
  PressoPressureGraph *graph;
  graphene_rect_t r;
  PressoGraphStyle style;
  guint differ = 0;

  fixture_set_up (&f, 1100, 420, FALSE);
  graph = PRESSO_PRESSURE_GRAPH (f.graph);
  r = bounds_in_window (&f, f.graph);
  render (&f, "graph-plain.png", &plain);

  /* the readout appears where the pointer is */
  _presso_pressure_graph_set_hover (graph, r.size.width * 0.4, r.size.height / 2);
  wait_frames (f.graph, 3);
  render (&f, "graph-hover.png", &hover);
  for (int y = r.origin.y; y < r.origin.y + r.size.height; y++)
    for (int x = r.origin.x + r.size.width * 0.4; x < r.origin.x + r.size.width * 0.4 + 120; x++)
      {
        GdkRGBA a, b;

        pixel (&plain, x, y, &a);
        pixel (&hover, x, y, &b);
        differ += !close_to (&a, &b, 0.02);
      }
  g_assert_cmpuint (differ, >, 1000);
  _presso_pressure_graph_set_hover (graph, -1, -1);

  /* a hidden chamber leaves the plot, the others stay */
  presso_pressure_graph_set_chamber_visible (graph, 0, FALSE);
  g_assert_cmpuint (presso_pressure_graph_get_visible_chambers (graph), ==, 0xFFFFFFFEu);
  wait_frames (f.graph, 3);
  render (&f, "graph-hidden.png", &hidden);
  _presso_graph_style_load (&style, f.graph);
  graphene_rect_init (&r, r.origin.x + 60, r.origin.y + 40, r.size.width - 120, r.size.height - 80);
  g_assert_cmpuint (count_color (&hidden, &r, _presso_graph_style_chamber (&style, 0)), <, 5);
  g_assert_cmpuint (count_color (&hidden, &r, _presso_graph_style_chamber (&style, 1)), >, 40);

  image_clear (&plain);
  image_clear (&hover);
  image_clear (&hidden);
  fixture_tear_down (&f);
}

static void
test_narrow (void)
{
  Fixture f = { 0 };
  Image img = { 0 };
  graphene_rect_t r;

  fixture_set_up (&f, 360, 640, TRUE);
  presso_pressure_graph_set_window (PRESSO_PRESSURE_GRAPH (f.graph), PRESSO_GRAPH_WINDOW_10S);
  wait_frames (f.graph, 3);
  r = bounds_in_window (&f, f.graph);
  g_assert_cmpfloat (r.size.width, <=, 360);
  render (&f, "graph-narrow.png", &img);
  check_graph_pixels (&f, &img, FALSE);
  check_garment_pixels (&f, &img);
  image_clear (&img);
  fixture_tear_down (&f);
}

/* A burst of telemetry between two frames costs one redraw, and new data does cause one. */
static void
test_redraw_coalesced (void)
{
  Fixture f = { 0 };
  PressoPressureGraph *graph;
  gint16 m[N_CH] = { 0 }, g[N_CH] = { 0 };
  gint64 t;
  guint before, after;

  fixture_set_up (&f, 800, 400, FALSE);
  graph = PRESSO_PRESSURE_GRAPH (f.graph);
  wait_frames (f.graph, 15);

  /* nothing new: nothing drawn */
  before = _presso_pressure_graph_get_n_frames (graph);
  wait_frames (f.graph, 5);
  g_assert_cmpuint (_presso_pressure_graph_get_n_frames (graph), ==, before);

  /* 100 rows (a second of telemetry) arrive before the next frame */
  g_assert_true (presso_sample_buffer_get_time_range (f.buffer, NULL, &t));
  for (guint i = 0; i < 100; i++)
    {
      m[0] = (gint16) (i * 5);
      presso_sample_buffer_append (f.buffer, t + 10 * (i + 1), m, g, 0);
    }
  wait_frames (f.graph, 5);
  after = _presso_pressure_graph_get_n_frames (graph);
  g_test_message ("frames drawn for 100 rows: %u", after - before);
  g_assert_cmpuint (after, >, before);
  g_assert_cmpuint (after - before, <=, 2);

  fixture_tear_down (&f);
}

static void
test_accessible_description (void)
{
  Fixture f = { 0 };
  const char *desc;
  gint16 m[N_CH] = { 0 }, g[N_CH] = { 0 };

  fixture_set_up (&f, 800, 400, FALSE);

  _presso_pressure_graph_update_description (PRESSO_PRESSURE_GRAPH (f.graph));
  desc = _presso_pressure_graph_get_description (PRESSO_PRESSURE_GRAPH (f.graph));
  g_test_message ("graph: %s", desc);
  for (guint c = 0; c < N_CH; c++)
    {
      g_autofree char *needle = g_strdup_printf ("Chamber %u: ", c + 1);
      g_assert_nonnull (strstr (desc, needle));
    }
  /* chamber 1 is full at its 50 mmHg target */
  g_assert_nonnull (strstr (desc, "Chamber 1: 50 mmHg of 50 target"));

  _presso_garment_view_update_description (PRESSO_GARMENT_VIEW (f.garments));
  desc = _presso_garment_view_get_description (PRESSO_GARMENT_VIEW (f.garments));
  g_test_message ("garments: %s", desc);
  g_assert_nonnull (strstr (desc, "Left boot"));
  g_assert_nonnull (strstr (desc, "Right boot"));
  g_assert_nonnull (strstr (desc, "chamber 7 skipped"));
  g_assert_nonnull (strstr (desc, "Inflating chamber 5"));

  /* it follows new data */
  m[0] = 123;
  g[0] = 300;
  presso_sample_buffer_append (f.buffer, 2000000, m, g, 0);
  _presso_pressure_graph_update_description (PRESSO_PRESSURE_GRAPH (f.graph));
  desc = _presso_pressure_graph_get_description (PRESSO_PRESSURE_GRAPH (f.graph));
  g_assert_nonnull (strstr (desc, "Chamber 1: 12 mmHg of 30 target"));

  /* an empty chamber whose sensor reads a little below zero is "0 mmHg", never "-0 mmHg" */
  m[0] = -3;
  g[0] = 0;
  m[1] = -12;
  presso_sample_buffer_append (f.buffer, 2000010, m, g, 0);
  _presso_pressure_graph_update_description (PRESSO_PRESSURE_GRAPH (f.graph));
  desc = _presso_pressure_graph_get_description (PRESSO_PRESSURE_GRAPH (f.graph));
  g_assert_nonnull (strstr (desc, "Chamber 1: 0 mmHg"));
  g_assert_nonnull (strstr (desc, "Chamber 2: -1 mmHg"));
  g_assert_null (strstr (desc, "-0 mmHg"));
  _presso_garment_view_update_description (PRESSO_GARMENT_VIEW (f.garments));
  desc = _presso_garment_view_get_description (PRESSO_GARMENT_VIEW (f.garments));
  g_assert_nonnull (strstr (desc, "chamber 1 0 mmHg"));
  g_assert_null (strstr (desc, "-0 mmHg"));

  /* and says so when there is nothing */
  presso_sample_buffer_clear (f.buffer);
  _presso_pressure_graph_update_description (PRESSO_PRESSURE_GRAPH (f.graph));
  g_assert_cmpstr (_presso_pressure_graph_get_description (PRESSO_PRESSURE_GRAPH (f.graph)), ==,
                   "No pressure readings yet");

  fixture_tear_down (&f);
}

/* Draws a frame of each graph into its own image and checks that they are the same, pixel for
 * pixel.  Returns the columns the cached graph reduced for it. */
static guint64
assert_same_frame (PressoPressureGraph *cached,
                   PressoPressureGraph *scratch,
                   const char          *when)
{
  const int w = 900, h = 300;
  cairo_surface_t *img[2];
  PressoPressureGraph *graphs[2] = { cached, scratch };
  guint64 before = _presso_pressure_graph_get_n_reduced (cached);
  const guchar *a, *b;
  int stride;

  for (guint i = 0; i < 2; i++)
    {
      cairo_t *cr;

      img[i] = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cr = cairo_create (img[i]);
      _presso_pressure_graph_draw (graphs[i], cr, w, h);
      cairo_destroy (cr);
      cairo_surface_flush (img[i]);
    }

  a = cairo_image_surface_get_data (img[0]);
  b = cairo_image_surface_get_data (img[1]);
  stride = cairo_image_surface_get_stride (img[0]);
  for (int y = 0; y < h; y++)
    if (memcmp (a + (gsize) y * stride, b + (gsize) y * stride, (gsize) w * 4) != 0)
      {
        g_autofree char *pa = g_test_build_filename (G_TEST_BUILT, "graph-cache-cached.png", NULL);
        g_autofree char *pb = g_test_build_filename (G_TEST_BUILT, "graph-cache-scratch.png", NULL);

        cairo_surface_write_to_png (img[0], pa);
        cairo_surface_write_to_png (img[1], pb);
        g_error ("%s: cached frame differs from a frame drawn from scratch at row %d (see %s)",
                 when, y, pa);
      }

  cairo_surface_destroy (img[0]);
  cairo_surface_destroy (img[1]);

  return _presso_pressure_graph_get_n_reduced (cached) - before;
}

static void
append_program (PressoSampleBuffer *buf,
                guint               from,
                guint               n)
{
  for (guint i = from; i < from + n; i++)
    {
      double tau = fmod (i / (double) RATE, 12);
      gint16 m[N_CH], g[N_CH];

      for (guint c = 0; c < N_CH; c++)
        {
          double target, p = sequential_pressure (c, tau, &target);

          m[c] = (gint16) lround (p * 10 + (i * 7 + c * 3) % 9 - 4);
          g[c] = (gint16) lround (target * 10);
        }
      presso_sample_buffer_append (buf, 1000000 + (gint64) i * 10, m, g, 0);
    }
}

/* The widget keeps the reduced columns of what did not change between frames (a scrolling
 * window only gains columns at its right end): a frame drawn from that cache is the frame
 * drawn from scratch, after rows arrive, across the ring wrapping, after a change of window,
 * of visible chambers and after a clear. */
static void
test_cached_frame_equals_scratch (void)
{
  /* 20 s of ring: the 60 s window and the session view see rows dropped as it wraps */
  g_autoptr(PressoSampleBuffer) buf = presso_sample_buffer_new (N_CH, RATE, 20);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  PressoPressureGraph *cached = PRESSO_PRESSURE_GRAPH (presso_pressure_graph_new ());
  PressoPressureGraph *scratch = PRESSO_PRESSURE_GRAPH (presso_pressure_graph_new ());
  const PressoGraphWindow windows[] = { PRESSO_GRAPH_WINDOW_10S, PRESSO_GRAPH_WINDOW_60S,
                                        PRESSO_GRAPH_WINDOW_SESSION };
  guint rows = 0;

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (cached));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (scratch));
  gtk_window_set_child (GTK_WINDOW (window), box);
  _presso_pressure_graph_set_caching (scratch, FALSE);

  for (guint i = 0; i < 2; i++)
    {
      PressoPressureGraph *g = i == 0 ? cached : scratch;

      presso_pressure_graph_set_buffer (g, buf);
      presso_pressure_graph_set_max_pressure (g, 60);
    }

  for (guint w = 0; w < G_N_ELEMENTS (windows); w++)
    {
      guint64 reduced_live = 0, reduced_first, drawn_live = 0;

      presso_pressure_graph_set_window (cached, windows[w]);
      presso_pressure_graph_set_window (scratch, windows[w]);
      append_program (buf, rows, 350);
      rows += 350;
      reduced_first = assert_same_frame (cached, scratch, "after a change of window");
      g_assert_cmpuint (reduced_first, >, 0);

      /* a few rows per frame, then a burst; the ring wraps on the way (2000 rows held) */
      for (guint frame = 0; frame < 60; frame++)
        {
          guint n = frame == 30 ? 1234 : 1 + frame % 3;

          append_program (buf, rows, n);
          rows += n;
          guint64 drawn = _presso_pressure_graph_get_n_rasterised (cached);
          guint64 reduced = assert_same_frame (cached, scratch, "after rows arrived");

          drawn = _presso_pressure_graph_get_n_rasterised (cached) - drawn;
          /* a live frame reduces the few columns its rows fell into, not the window, and
           * draws the curves of those columns and their neighbours */
          if (frame != 30)
            {
              g_assert_cmpuint (reduced, <=, 8);
              g_assert_cmpuint (drawn, <=, 40);
            }
          reduced_live += reduced;
          drawn_live += drawn;
        }
      g_test_message ("window %u: %" G_GUINT64_FORMAT " columns reduced for the first frame, "
                      "%" G_GUINT64_FORMAT " for the next 60 (a burst of 12 s among them), "
                      "%" G_GUINT64_FORMAT " pixel columns drawn for them",
                      w, reduced_first, reduced_live, drawn_live);

      /* nothing new: nothing to reduce */
      assert_same_frame (cached, scratch, "with nothing new");
      g_assert_cmpuint (assert_same_frame (cached, scratch, "with nothing new"), ==, 0);
    }

  /* hiding a chamber, and a new session in the same buffer */
  presso_pressure_graph_set_chamber_visible (cached, 2, FALSE);
  presso_pressure_graph_set_chamber_visible (scratch, 2, FALSE);
  assert_same_frame (cached, scratch, "after hiding a chamber");
  presso_sample_buffer_clear (buf);
  append_program (buf, 0, rows);
  assert_same_frame (cached, scratch, "after a clear");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Without colour, a chamber's garment is told by its line: the outlets in order are drawn
 * solid, dashed, dotted and dash-dotted.  Columns of the plot are scanned for each chamber's
 * colour along a steady pressure. */
static void
test_garment_patterns (void)
{
  static const presso_proto_outlet four[] = {
    { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 2 },
    { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 2, 2 },
    { PRESSO_PROTO_GARMENT_BELT, 4, 1 },
    { PRESSO_PROTO_GARMENT_SLEEVE_LEFT, 5, 3 },
  };
  /* pattern (by rank among the chambers shown) → gaps expected (fraction of columns,
   * longest gap in px) */
  static const struct { double gaps_min, gaps_max; int longest_gap; } expect[] = {
    { 0, 0.02, 1 },        /* solid */
    { 0.25, 0.42, 3 },     /* dashed 6 on, 3 off */
    { 0.4, 0.6, 2 },       /* dotted 2 on, 2 off */
    { 0.25, 0.42, 2 },     /* dash-dot 6 on, 2 off, 2 on, 2 off */
  };
  /* chambers 1, 3, 4, 5, 6 and 8 shown: each takes the next pattern, whatever its garment, so
   * that neighbours in one garment (3, 4: the right boot) differ */
  const guint32 shown = 0xBD;
  int rank_of[N_CH];
  g_autoptr(PressoSampleBuffer) buf = presso_sample_buffer_new (N_CH, RATE, 60);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *graph = presso_pressure_graph_new ();
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 300);
  PressoGraphStyle style = { 0 };
  cairo_t *cr;
  const guchar *data;
  int stride;

  gtk_window_set_child (GTK_WINDOW (window), graph);
  for (guint i = 0; i < 20 * RATE; i++)
    {
      gint16 m[N_CH], g[N_CH] = { 0 };

      for (guint c = 0; c < N_CH; c++)
        m[c] = (gint16) (100 + 60 * c);
      presso_sample_buffer_append (buf, (gint64) i * 10, m, g, PRESSO_SAMPLE_BUFFER_NO_CHAMBER);
    }
  presso_pressure_graph_set_buffer (PRESSO_PRESSURE_GRAPH (graph), buf);
  presso_pressure_graph_set_max_pressure (PRESSO_PRESSURE_GRAPH (graph), 60);
  presso_pressure_graph_set_outlets (PRESSO_PRESSURE_GRAPH (graph), four, G_N_ELEMENTS (four));
  presso_pressure_graph_set_visible_chambers (PRESSO_PRESSURE_GRAPH (graph), shown);
  for (guint c = 0, r = 0; c < N_CH; c++)
    rank_of[c] = (shown & (1u << c)) ? (int) r++ : -1;

  cr = cairo_create (img);
  _presso_pressure_graph_draw (PRESSO_PRESSURE_GRAPH (graph), cr, 900, 300);
  cairo_destroy (cr);
  cairo_surface_flush (img);
  data = cairo_image_surface_get_data (img);
  stride = cairo_image_surface_get_stride (img);
  _presso_graph_style_load (&style, graph);

  for (guint c = 0; c < N_CH; c++)
    {
      const GdkRGBA *color = _presso_graph_style_chamber (&style, c);
      guint32 want = 0xFF000000u | (guint32) lround (color->red * 255) << 16 |
                     (guint32) lround (color->green * 255) << 8 | (guint32) lround (color->blue * 255);
      gboolean has[900];
      int first = -1, last = -1, gaps = 0, gap = 0, longest = 0;

      for (int x = 0; x < 900; x++)
        {
          has[x] = FALSE;
          for (int y = 0; y < 300 && !has[x]; y++)
            has[x] = ((const guint32 *) (data + (gsize) y * stride))[x] == want;
        }
      /* the curve: from its first column to the last before a long gap (the end labels) */
      for (int x = 0; x < 900; x++)
        if (has[x])
          {
            if (first < 0)
              first = x;
            else if (x - last > 12)
              break;
            last = x;
          }
      if (rank_of[c] < 0)
        {
          /* not shown: neither its curve nor its number */
          g_assert_cmpint (first, <, 0);
          continue;
        }
      g_assert_cmpint (first, >=, 0);
      g_assert_cmpint (last - first, >, 200);
      for (int x = first; x <= last; x++)
        {
          gap = has[x] ? 0 : gap + 1;
          gaps += !has[x];
          longest = MAX (longest, gap);
        }
      g_test_message ("chamber %u (pattern %d): curve over %d px, %d without it, longest gap %d",
                      c + 1, rank_of[c] % 4, last - first + 1, gaps, longest);
      g_assert_cmpfloat ((double) gaps / (last - first + 1), >=, expect[rank_of[c] % 4].gaps_min);
      g_assert_cmpfloat ((double) gaps / (last - first + 1), <=, expect[rank_of[c] % 4].gaps_max);
      if (rank_of[c] % 4 == 0)
        g_assert_cmpint (longest, ==, 0);
      else
        g_assert_cmpint (longest, ==, expect[rank_of[c] % 4].longest_gap);
    }

  _presso_graph_style_clear (&style);
  cairo_surface_destroy (img);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* presso-sim's device: two boots of 6 chambers. */
static const presso_proto_outlet two_boots[] = {
  { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 6 },
  { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 6, 6 },
};

/* 12 chambers for @seconds at 10 Hz: the first four (a four-chamber program on the left boot)
 * fill in turn to 40 mmHg and hold, the others stay at 0. */
static PressoSampleBuffer *
make_left_boot_buffer (double seconds)
{
  PressoSampleBuffer *buf = presso_sample_buffer_new (12, 10, 600);

  for (guint i = 0; i <= seconds * 10; i++)
    {
      gint16 m[12] = { 0 }, g[12] = { 0 };

      for (guint c = 0; c < 4; c++)
        {
          m[c] = (gint16) CLAMP ((i - 5.0 * c) * 40, 0, 400);
          g[c] = 400;
        }
      presso_sample_buffer_append (buf, 500000 + i * 100, m, g, (guint8) MIN (i / 5, 3));
    }
  return buf;
}

/* Checks the numbers at the curves' ends: @want chambers (mask), none overlapping, each
 * within the plot's height. */
static void
check_end_labels (PressoPressureGraph *graph,
                  guint32              want,
                  int                  height)
{
  guint chambers[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  double y[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS], h[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  double curve_y[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  guint n = _presso_pressure_graph_get_end_labels (graph, chambers, y, h, curve_y);
  guint32 got = 0;

  for (guint i = 0; i < n; i++)
    {
      g_test_message ("label %u at y %.1f (height %.1f), its curve ends at %.1f",
                      chambers[i] + 1, y[i], h[i], curve_y[i]);
      got |= 1u << chambers[i];
      g_assert_cmpfloat (h[i], >=, 10);
      g_assert_cmpfloat (y[i], >=, 0);
      g_assert_cmpfloat (y[i] + h[i], <=, height);
      if (i > 0)
        g_assert_cmpfloat (y[i], >=, y[i - 1] + h[i - 1] - 0.01);
    }
  g_assert_cmphex (got, ==, want);
  g_assert_cmpuint (n, ==, __builtin_popcount (want));
}

/* A four-chamber program on the left boot of a two-boot device: only its four chambers are
 * drawn and numbered; four chambers holding the same pressure get their numbers spread apart
 * (proximal above, leaders to the curves), never stacked on top of each other.  With every
 * chamber shown the graph asks for the height their twelve numbers need, and they do not
 * overlap there either. */
static void
test_end_labels_in_use (void)
{
  g_autoptr(PressoSampleBuffer) buf = make_left_boot_buffer (30);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *graph = presso_pressure_graph_new ();
  PressoPressureGraph *pg = PRESSO_PRESSURE_GRAPH (graph);
  guint chambers[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  double y[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS], h[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  double curve_y[PRESSO_SAMPLE_BUFFER_MAX_CHAMBERS];
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 700, 400);
  int min_h, nat_h;
  cairo_t *cr;

  gtk_window_set_child (GTK_WINDOW (window), graph);
  presso_pressure_graph_set_buffer (pg, buf);
  presso_pressure_graph_set_outlets (pg, two_boots, G_N_ELEMENTS (two_boots));

  presso_pressure_graph_set_visible_chambers (pg, 0xF);
  cr = cairo_create (img);
  _presso_pressure_graph_draw (pg, cr, 700, 260);
  cairo_destroy (cr);
  check_end_labels (pg, 0xF, 260);
  /* all four at 40 mmHg: spread, chamber 4 on top, each leader from the same curve end */
  g_assert_cmpuint (_presso_pressure_graph_get_end_labels (pg, chambers, y, h, curve_y), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpuint (chambers[i], ==, 3 - i);
      g_assert_cmpfloat (fabs (curve_y[i] - curve_y[0]), <, 0.5);
    }
  g_assert_cmpfloat (y[3] - y[0], >=, 3 * h[0] - 0.1);
  g_assert_null (strstr (_presso_pressure_graph_get_description (pg), "Chamber 5"));

  /* every chamber: the eight at 0 mmHg too, in the height the widget asks for */
  presso_pressure_graph_set_visible_chambers (pg, 0xFFF);
  gtk_widget_measure (graph, GTK_ORIENTATION_VERTICAL, -1, &min_h, &nat_h, NULL, NULL);
  g_test_message ("twelve chambers: at least %d px high", min_h);
  cr = cairo_create (img);
  _presso_pressure_graph_draw (pg, cr, 700, MIN (min_h, 400));
  cairo_destroy (cr);
  check_end_labels (pg, 0xFFF, min_h);

  cairo_surface_destroy (img);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A finished record of 3.6 s: its time axis spans 3.6 s, not the 10 s at least of a live
 * session's view. */
static void
test_record_window (void)
{
  g_autoptr(PressoSampleBuffer) buf = make_left_boot_buffer (3.6);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *graph = presso_pressure_graph_new ();
  PressoPressureGraph *pg = PRESSO_PRESSURE_GRAPH (graph);
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 700, 300);
  gint64 first, last, t0, t1, t_first;
  cairo_t *cr;

  gtk_window_set_child (GTK_WINDOW (window), graph);
  presso_pressure_graph_set_buffer (pg, buf);
  g_assert_true (presso_sample_buffer_get_time_range (buf, &first, &last));

  presso_pressure_graph_set_window (pg, PRESSO_GRAPH_WINDOW_SESSION);
  cr = cairo_create (img);
  _presso_pressure_graph_draw (pg, cr, 700, 300);
  cairo_destroy (cr);
  _presso_pressure_graph_get_time_range (pg, &t0, &t1, &t_first);
  g_test_message ("session view: %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " ms", t0 - t_first, t1 - t_first);
  g_assert_cmpint (t1 - t0, >=, 10000);

  presso_pressure_graph_set_window (pg, PRESSO_GRAPH_WINDOW_RECORD);
  cr = cairo_create (img);
  _presso_pressure_graph_draw (pg, cr, 700, 300);
  cairo_destroy (cr);
  _presso_pressure_graph_get_time_range (pg, &t0, &t1, &t_first);
  g_test_message ("record view: %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " ms", t0 - t_first, t1 - t_first);
  g_assert_cmpint (t0, ==, first);
  g_assert_cmpint (t1, >=, last);
  g_assert_cmpint (t1 - t0, <=, last - first + 100);
  /* the last sample is drawn and numbered */
  check_end_labels (pg, 0xFFF, 300);

  cairo_surface_destroy (img);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Only the left boot is worn: the right boot is left out of the garment view (its bands are
 * nowhere, the description does not mention it), the left boot gets the room, and the boot's
 * chambers the program does not use are hatched. */
static void
test_garments_in_use (void)
{
  g_autoptr(PressoSampleBuffer) buf = make_left_boot_buffer (5);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = presso_garment_view_new ();
  PressoGarmentView *gv = PRESSO_GARMENT_VIEW (view);
  graphene_rect_t both, alone;
  int nat_both, nat_alone;
  const char *desc;

  presso_garment_view_set_buffer (gv, buf);
  presso_garment_view_set_outlets (gv, two_boots, G_N_ELEMENTS (two_boots));
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 140, 400);
  gtk_window_present (GTK_WINDOW (window));
  wait_frames (view, 5);

  g_assert_true (_presso_garment_view_get_band (gv, 0, &both));
  g_assert_true (_presso_garment_view_get_band (gv, 6, &alone));
  {
    Fixture shot = { window, NULL, view, NULL };
    Image img = { 0 };

    render (&shot, "garments-both-140.png", &img);
    image_clear (&img);
  }
  gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat_both, NULL, NULL);

  presso_garment_view_set_skipped_chambers (gv, 0xFF0);
  wait_frames (view, 5);
  gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat_alone, NULL, NULL);
  g_assert_cmpint (nat_alone, <, nat_both);
  for (guint c = 6; c < 12; c++)
    g_assert_false (_presso_garment_view_get_band (gv, c, &alone));
  g_assert_true (_presso_garment_view_get_band (gv, 0, &alone));
  g_test_message ("chamber 1's band: %.0f px wide with both boots, %.0f with the left one",
                  both.size.width, alone.size.width);
  /* room for "1: 40 mmHg" at 140 px */
  g_assert_cmpfloat (alone.size.width, >, 1.5 * both.size.width);
  g_assert_cmpfloat (alone.size.width, >=, 90);
  /* Taller than its bands need, the view keeps them in its middle, not at its foot under an
   * empty space: as much room above the top band as below the bottom one (which holds the
   * garment's name as well). */
  {
    graphene_rect_t top;
    double above, below;

    g_assert_true (_presso_garment_view_get_band (gv, 5, &top));
    above = top.origin.y;
    below = gtk_widget_get_height (view) - (alone.origin.y + alone.size.height);
    g_test_message ("400 px tall: %.0f px above the bands, %.0f below", above, below);
    g_assert_cmpfloat (above, >, 40);
    g_assert_cmpfloat (fabs (above - below), <=, 40);
  }
  {
    Fixture shot = { window, NULL, view, NULL };
    Image img = { 0 };

    render (&shot, "garments-left-140.png", &img);
    image_clear (&img);
  }

  _presso_garment_view_update_description (gv);
  desc = _presso_garment_view_get_description (gv);
  g_test_message ("garments: %s", desc);
  g_assert_nonnull (strstr (desc, "Left boot"));
  g_assert_null (strstr (desc, "Right boot"));
  g_assert_nonnull (strstr (desc, "chamber 5 skipped"));

  /* nothing skipped: both boots again */
  presso_garment_view_set_skipped_chambers (gv, 0);
  wait_frames (view, 5);
  g_assert_true (_presso_garment_view_get_band (gv, 6, &alone));

  gtk_window_destroy (GTK_WINDOW (window));
}

static double
contrast_ratio (const GdkRGBA *a,
                const GdkRGBA *b)
{
  const GdkRGBA *c[2] = { a, b };
  double l[2];

  for (guint i = 0; i < 2; i++)
    {
      double v[3] = { c[i]->red, c[i]->green, c[i]->blue };

      for (guint k = 0; k < 3; k++)
        v[k] = v[k] <= 0.03928 ? v[k] / 12.92 : pow ((v[k] + 0.055) / 1.055, 2.4);
      l[i] = 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    }
  return (MAX (l[0], l[1]) + 0.05) / (MIN (l[0], l[1]) + 0.05);
}

/* In high contrast every chamber's colour, in which its number is written at the end of its
 * curve, reads at 4.5:1 at least on the view's background, light and dark.  libadwaita reads
 * high contrast from the environment when it starts: a child process. */
static void
test_high_contrast_colors (void)
{
  AdwStyleManager *manager;
  GtkWidget *window, *graph;

  if (!g_test_subprocess ())
    {
      g_setenv ("ADW_DEBUG_HIGH_CONTRAST", "1", TRUE);
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_unsetenv ("ADW_DEBUG_HIGH_CONTRAST");
      g_test_trap_assert_passed ();
      return;
    }

  manager = adw_style_manager_get_default ();
  g_assert_true (adw_style_manager_get_high_contrast (manager));
  window = gtk_window_new ();
  graph = presso_pressure_graph_new ();
  gtk_window_set_child (GTK_WINDOW (window), graph);
  gtk_window_present (GTK_WINDOW (window));
  for (guint dark = 0; dark < 2; dark++)
    {
      PressoGraphStyle style = { 0 };

      adw_style_manager_set_color_scheme (manager, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                        : ADW_COLOR_SCHEME_FORCE_LIGHT);
      wait_frames (graph, 3);
      _presso_graph_style_load (&style, graph);
      g_assert_true (style.high_contrast);
      g_assert_cmpint (style.dark, ==, dark);
      for (guint c = 0; c < PRESSO_GRAPH_N_HUES; c++)
        g_assert_cmpfloat (contrast_ratio (_presso_graph_style_chamber (&style, c), &style.bg), >=, 4.5);
      _presso_graph_style_clear (&style);
    }
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/presso/graph/widget/light-dark", test_render_light_dark);
  g_test_add_func ("/presso/graph/widget/hover-and-hide", test_hover_and_hide);
  g_test_add_func ("/presso/graph/widget/narrow", test_narrow);
  g_test_add_func ("/presso/graph/widget/redraw-coalesced", test_redraw_coalesced);
  g_test_add_func ("/presso/graph/widget/accessible-description", test_accessible_description);
  g_test_add_func ("/presso/graph/widget/cached-frame", test_cached_frame_equals_scratch);
  g_test_add_func ("/presso/graph/widget/chamber-patterns", test_garment_patterns);
  g_test_add_func ("/presso/graph/widget/end-labels-in-use", test_end_labels_in_use);
  g_test_add_func ("/presso/graph/widget/record-window", test_record_window);
  g_test_add_func ("/presso/graph/widget/garments-in-use", test_garments_in_use);
  g_test_add_func ("/presso/graph/widget/high-contrast-colors", test_high_contrast_colors);

  return g_test_run ();
}
