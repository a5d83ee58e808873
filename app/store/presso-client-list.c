/* presso-client-list.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A reload costs one FTS5 query for the matching ids (none for an empty query) and a pass over
 * the store's name order of all clients (an array, shared by every list): no join, no sort in
 * SQL.  Rows are read BATCH at a time when the view asks for them, and the objects are cached
 * by id, so a keystroke that keeps rows on screen reads nothing again.  A client object is
 * reused for as long as someone holds it, so the rows of a client just edited update in place.
 *
 * A reload tells the view what changed without ever removing an object someone holds (a row
 * on screen, the selection) when it stays in the list: the change is cut around those objects.
 * GtkSingleSelection looks for its selected item among the added items of a change that
 * removes it; without the cut, that search read every row of a 100 000-client list.
 */

#define G_LOG_DOMAIN "presso-store"

#include "config.h"

#include <string.h>

#include "presso-client-list.h"
#include "presso-store-private.h"

#define BATCH      100    /* rows per read */
#define CACHE_SIZE 2048   /* client objects the list itself keeps */

struct _PressoClientList
{
  GObject        parent_instance;

  PressoStore   *store;
  gulong         clients_changed_id;
  char          *query;
  gboolean       show_archived;

  gint64        *ids;
  guint          n_ids;
  guint          ids_capacity;
  /* Reused from one reload to the next: no fresh pages to fault in on each keystroke. */
  gint64        *spare_ids;
  guint          spare_capacity;

  /* While a reload tells the view about its changes one cut at a time, the list is
   * old_ids[0, split_a) followed by ids[split_b, n_ids).  Otherwise both are 0. */
  const gint64  *old_ids;
  guint          split_a;
  guint          split_b;
  guint          n_items;
  gboolean       in_reload;
  gboolean       reload_again;
  /* Empty until the store's name order was read on a worker thread. */
  gboolean       loading;
  GCancellable  *cancellable;
  guint          start_id;

  GHashTable    *cache;       /* id (in cache_ring) → PressoClient, strong */
  gint64        *cache_ring;  /* ids in the order they were cached */
  guint          cache_head;
  guint          cache_len;
  GHashTable    *live;        /* client id → GWeakRef * to a PressoClient handed out */
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_QUERY,
  PROP_SHOW_ARCHIVED,
  PROP_N_ITEMS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PressoClientList, presso_client_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

#define Q10 "?,?,?,?,?,?,?,?,?,?"
#define Q100 Q10 "," Q10 "," Q10 "," Q10 "," Q10 "," Q10 "," Q10 "," Q10 "," Q10 "," Q10
static const char batch_sql[] =
  "SELECT " PRESSO_STORE_CLIENT_COLUMNS " FROM clients WHERE id IN (" Q100 ")";
G_STATIC_ASSERT (BATCH == 100);

static void
weak_ref_free (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

static inline gint64
id_at (PressoClientList *self,
       guint             position)
{
  if (position < self->split_a)
    return self->old_ids[position];
  return self->ids[self->split_b + position - self->split_a];
}

static void
cache_add (PressoClientList *self,
           PressoClient     *client)
{
  gint64 id = presso_client_get_id (client);
  guint slot;

  if (g_hash_table_contains (self->cache, &id))
    return;
  if (self->cache_len == CACHE_SIZE)
    {
      slot = self->cache_head;
      g_hash_table_remove (self->cache, &self->cache_ring[slot]);
      self->cache_head = (self->cache_head + 1) % CACHE_SIZE;
      self->cache_len--;
    }
  slot = (self->cache_head + self->cache_len) % CACHE_SIZE;
  self->cache_ring[slot] = id;
  self->cache_len++;
  g_hash_table_insert (self->cache, &self->cache_ring[slot], g_object_ref (client));
}

static void
cache_clear (PressoClientList *self)
{
  g_hash_table_remove_all (self->cache);
  self->cache_head = 0;
  self->cache_len = 0;
}

static PressoClient *
lookup_live (PressoClientList *self,
             gint64            id)
{
  GWeakRef *ref = g_hash_table_lookup (self->live, &id);

  return ref ? g_weak_ref_get (ref) : NULL;
}

static void
prune_live (PressoClientList *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PressoClient *client = g_weak_ref_get (value);

      if (client == NULL)
        g_hash_table_iter_remove (&iter);
      else
        g_object_unref (client);
    }
}

static void
remember_live (PressoClientList *self,
               PressoClient     *client)
{
  gint64 *key = g_new (gint64, 1);
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  /* Keeps the table about the size of what the cache and the view hold. */
  if (g_hash_table_size (self->live) >= 2 * CACHE_SIZE)
    prune_live (self);

  *key = presso_client_get_id (client);
  g_weak_ref_init (ref, client);
  g_hash_table_replace (self->live, key, ref);
}

/* Reads the rows of @ids (at most BATCH), into the live objects when there are some, and
 * stores them in @out (may be NULL) in the order of @ids. */
static void
read_rows (PressoClientList  *self,
           const gint64      *ids,
           guint              n,
           PressoClient     **out)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  g_assert (n <= BATCH);

  stmt = _presso_store_statement (self->store, batch_sql, &error);
  if (stmt != NULL)
    {
      for (guint i = 0; i < BATCH; i++)
        sqlite3_bind_int64 (stmt, i + 1, i < n ? ids[i] : -1);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          PressoClient *client = lookup_live (self, id);

          if (client == NULL)
            {
              client = presso_client_new ();
              _presso_store_read_client (stmt, client);
              remember_live (self, client);
            }
          else
            _presso_store_read_client (stmt, client);

          if (out)
            {
              for (guint i = 0; i < n; i++)
                if (ids[i] == id && out[i] == NULL)
                  {
                    out[i] = g_object_ref (client);
                    break;
                  }
            }
          g_object_unref (client);
        }
      sqlite3_reset (stmt);
    }
  else
    g_warning ("Could not read clients: %s", error->message);

  if (out == NULL)
    return;
  /* A row deleted since the ids were read still needs an item at its position. */
  for (guint i = 0; i < n; i++)
    if (out[i] == NULL)
      {
        out[i] = presso_client_new ();
        presso_client_set_id (out[i], ids[i]);
      }
}

/* Reads the clients of the batch around @position that are not cached yet. */
static void
load_around (PressoClientList *self,
             guint             position)
{
  gint64 ids[BATCH];
  PressoClient *read[BATCH] = { NULL, };
  guint first = position - position % BATCH;
  guint last = MIN (first + BATCH, self->n_items);
  guint n = 0;

  for (guint i = first; i < last; i++)
    {
      gint64 id = id_at (self, i);
      PressoClient *client;

      if (g_hash_table_contains (self->cache, &id))
        continue;
      /* Someone holds it, and it is refreshed on every write: no need to read it. */
      if ((client = lookup_live (self, id)))
        {
          cache_add (self, client);
          g_object_unref (client);
          continue;
        }
      ids[n++] = id;
    }
  if (n == 0)
    return;
  read_rows (self, ids, n, read);
  for (guint i = 0; i < n; i++)
    {
      cache_add (self, read[i]);
      g_object_unref (read[i]);
    }
}

/* Re-reads every client object still in use, so views show what was just saved. */
static void
refresh_live (PressoClientList *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key, value;

  prune_live (self);
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_array_append_val (ids, *(gint64 *) key);
  for (guint i = 0; i < ids->len; i += BATCH)
    read_rows (self, &g_array_index (ids, gint64, i), MIN (BATCH, ids->len - i), NULL);
}

/* Each word typed is a prefix; words are ANDed.  Every word is quoted as an FTS5 string (its
 * quotes doubled), so nothing typed can be read as FTS5 syntax.  Folded like the indexed names
 * so "Ødegaard" and "odegaard" find the same people.  NULL when nothing searchable was typed. */
static char *
build_match (const char *query)
{
  g_autofree char *folded = presso_fold_text (query);
  GString *match = g_string_new (NULL);
  const char *p = folded;

  while (*p)
    {
      const char *start, *end;
      gboolean searchable = FALSE;

      while (*p && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p && !g_unichar_isspace (g_utf8_get_char (p)))
        {
          if (g_unichar_isalnum (g_utf8_get_char (p)))
            searchable = TRUE;
          p = g_utf8_next_char (p);
        }
      end = p;
      if (!searchable)
        continue;

      if (match->len)
        g_string_append (match, " AND ");
      g_string_append_c (match, '"');
      for (const char *c = start; c < end; c++)
        {
          if (*c == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *c);
        }
      g_string_append (match, "\"*");
    }

  if (match->len == 0)
    {
      g_string_free (match, TRUE);
      return NULL;
    }
  return g_string_free (match, FALSE);
}

/* ------------------------------------------------------------------ initials */

/* The bit of the character a word starting with @c is found by: "0"-"9" → 0-9, "a"-"z" →
 * 10-35 (after case and accent folding, as unicode61 remove_diacritics 2 does), or 64. */
static guint
initial_bit (gunichar c)
{
  if (c >= 0x80)
    {
      gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

      if (g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed)) > 0)
        c = decomposed[0];
      if (c >= 0x80)
        return 64;
    }
  c = g_ascii_tolower (c);
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'z')
    return 10 + c - 'a';
  return 64;
}

/* unicode61's token characters: letters, numbers and private use (categories L* N* Co). */
static gboolean
is_token_char (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c);
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_PRIVATE_USE:
      return TRUE;
    default:
      return FALSE;
    }
}

static inline void
pair_set (guint64 *pairs,
          guint    a,
          guint    b)
{
  guint bit = 10 * a + b;

  pairs[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
}

/* The initials of @text's words; their first two characters when digits, into @pairs. */
static guint64
text_initials (const char *text,
               guint64    *pairs)
{
  gboolean in_token = FALSE;
  guint64 mask = 0;
  guint in_word = 0;          /* characters of the current word so far */
  gunichar first = 0;

  if (text == NULL)
    return 0;
  for (const char *p = text; *p; )
    {
      gunichar c;
      gboolean token;

      if ((guchar) *p < 0x80)
        c = (guchar) *p++;
      else
        {
          c = g_utf8_get_char_validated (p, -1);
          if (c == (gunichar) -1 || c == (gunichar) -2)
            return mask;   /* not UTF-8: SQLite would not have indexed past it either */
          p = g_utf8_next_char (p);
        }
      token = is_token_char (c);
      if (token && !in_token)
        {
          guint bit = initial_bit (c);

          if (bit < 64)
            mask |= G_GUINT64_CONSTANT (1) << bit;
          first = c;
          in_word = 1;
        }
      else if (token && in_word++ == 1 && pairs != NULL
               && first >= '0' && first <= '9' && c >= '0' && c <= '9')
        pair_set (pairs, first - '0', c - '0');
      in_token = token;
    }
  return mask;
}

static gboolean
is_iso_date (const char *text)
{
  for (int i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? text[i] != '-' : !g_ascii_isdigit (text[i]))
      return FALSE;
  return text[10] == '\0';
}

/* Mirrors the client_search columns the triggers of schema version 2 fill. */
guint64
_presso_search_initials (const char *name_key,
                         const char *phone,
                         const char *email,
                         const char *birth_date,
                         guint64    *pairs)
{
  guint64 mask = text_initials (name_key, pairs) | text_initials (phone, pairs)
                 | text_initials (email, pairs);
  char digits[64];
  gsize n = 0;

  /* phone_digits: the phone without " .-()+/", and its national form for +33 numbers */
  if (phone && strlen (phone) < sizeof digits)
    {
      for (const char *p = phone; *p; p++)
        if (!strchr (" .-()+/", *p))
          digits[n++] = *p;
      digits[n] = '\0';
      mask |= text_initials (digits, pairs);
      if (g_utf8_strlen (digits, -1) == 11 && g_str_has_prefix (digits, "33"))
        {
          /* " 0" + the rest: a word starting with 0 */
          g_autofree char *national = g_strconcat ("0", digits + 2, NULL);

          mask |= text_initials (national, pairs);
        }
    }
  else if (phone)
    {
      g_autoptr(GString) long_digits = g_string_new (NULL);

      for (const char *p = phone; *p; p++)
        if (!strchr (" .-()+/", *p))
          g_string_append_c (long_digits, *p);
      mask |= text_initials (long_digits->str, pairs);
      if (g_utf8_strlen (long_digits->str, -1) == 11 && g_str_has_prefix (long_digits->str, "33"))
        {
          g_autofree char *national = g_strconcat ("0", long_digits->str + 2, NULL);

          mask |= text_initials (national, pairs);
        }
    }

  /* birth_iso, and birth_fr: substr (b, 9, 2) || '/' || substr (b, 6, 2) || '/' ||
   * substr (b, 1, 4), the same words for a valid date but not for text left by hand */
  mask |= text_initials (birth_date, pairs);
  if (birth_date && !is_iso_date (birth_date) && g_utf8_validate (birth_date, -1, NULL))
    {
      glong len = g_utf8_strlen (birth_date, -1);
      g_autofree char *day = g_utf8_substring (birth_date, MIN (8, len), MIN (10, len));
      g_autofree char *month = g_utf8_substring (birth_date, MIN (5, len), MIN (7, len));
      g_autofree char *year = g_utf8_substring (birth_date, 0, MIN (4, len));
      g_autofree char *french = g_strconcat (day, "/", month, "/", year, NULL);

      mask |= text_initials (french, pairs);
    }
  return mask;
}

/* The bit to scan for when @query is one character that initials answer, or 64. */
static guint
single_initial (const char *query)
{
  g_autofree char *folded = g_strstrip (presso_fold_text (query));

  if (folded[0] == '\0' || folded[1] != '\0')
    return 64;
  return initial_bit ((guchar) folded[0]);
}

/* The digit pair to scan for when @query is two digits that pairs answer ("06"), or -1. */
static int
digit_pair (const char *query)
{
  g_autofree char *folded = g_strstrip (presso_fold_text (query));

  if (!g_ascii_isdigit (folded[0]) || !g_ascii_isdigit (folded[1]) || folded[2] != '\0')
    return -1;
  return 10 * (folded[0] - '0') + (folded[1] - '0');
}

#define MAX_SEARCHES 64

/* The positions in @order of the clients matching @match, as a bit set, from the order's cache
 * of recent searches or from FTS5.  (transfer none) */
static const guint64 *
search_bits (PressoClientList  *self,
             PressoClientOrder *order,
             const char        *match)
{
  g_autoptr(GError) error = NULL;
  guint64 *bits;
  sqlite3_stmt *stmt;
  int rc;

  if (order->searches == NULL)
    order->searches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if ((bits = g_hash_table_lookup (order->searches, match)))
    return bits;

  stmt = _presso_store_statement (self->store,
                                  "SELECT rowid FROM client_search WHERE client_search MATCH ?",
                                  &error);
  if (stmt == NULL)
    {
      g_warning ("Could not search clients: %s", error->message);
      return NULL;
    }
  bits = g_new0 (guint64, (order->n + 63) / 64 + 1);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint rank = _presso_client_order_rank (order, sqlite3_column_int64 (stmt, 0));

      if (rank != G_MAXUINT)
        bits[rank / 64] |= G_GUINT64_CONSTANT (1) << (rank % 64);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      /* Not cached: the next keystroke tries again. */
      g_warning ("Could not search clients for “%s”: %s", match,
                 sqlite3_errmsg (_presso_store_get_db (self->store)));
      g_free (bits);
      return NULL;
    }

  if (g_hash_table_size (order->searches) >= MAX_SEARCHES)
    g_hash_table_remove_all (order->searches);
  g_hash_table_insert (order->searches, g_strdup (match), bits);
  return bits;
}

/* Fills self->spare_ids with the matching ids in list order; returns how many. */
static guint
query_ids (PressoClientList *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *match = build_match (self->query);
  const PressoClientOrder *order;
  const guint64 *bits;
  gint64 *ids;
  guint n = 0, bit;
  int pair;

  order = _presso_store_get_client_order (self->store, &error);
  if (order == NULL)
    {
      g_warning ("Could not list clients: %s", error->message);
      return 0;
    }
  if (self->spare_capacity < order->n)
    {
      g_free (self->spare_ids);
      self->spare_capacity = order->n + order->n / 8 + 64;
      self->spare_ids = g_new (gint64, self->spare_capacity);
    }
  ids = self->spare_ids;

  if (match == NULL)
    {
      for (guint i = 0; i < order->n; i++)
        if (self->show_archived || !order->archived[i])
          ids[n++] = order->ids[i];
      return n;
    }

  /* The first keystroke: the broadest search, answered from the initials without FTS5. */
  if (order->initials && (bit = single_initial (self->query)) < 64)
    {
      guint64 flag = G_GUINT64_CONSTANT (1) << bit;

      for (guint i = 0; i < order->n; i++)
        if ((order->initials[i] & flag) && (self->show_archived || !order->archived[i]))
          ids[n++] = order->ids[i];
      return n;
    }

  /* Two digits ("06", "19"): FTS5's slowest two characters (a word in most records), answered
   * from the digit pairs. */
  if (order->pairs && (pair = digit_pair (self->query)) >= 0)
    {
      guint64 flag = G_GUINT64_CONSTANT (1) << (pair % 64);
      guint word = pair / 64;

      for (guint i = 0; i < order->n; i++)
        if ((order->pairs[2 * i + word] & flag) && (self->show_archived || !order->archived[i]))
          ids[n++] = order->ids[i];
      return n;
    }

  bits = search_bits (self, (PressoClientOrder *) order, match);
  if (bits == NULL)
    return 0;
  for (guint w = 0; w < (order->n + 63) / 64; w++)
    for (guint64 word = bits[w]; word; word &= word - 1)
      {
        guint i = w * 64 + __builtin_ctzll (word);

        if (self->show_archived || !order->archived[i])
          ids[n++] = order->ids[i];
      }
  return n;
}

/* Runs the query into self->ids, keeping the previous ids in self->spare_ids. */
static void
swap_in_query (PressoClientList *self)
{
  guint n = query_ids (self);
  gint64 *old = self->ids;
  guint old_capacity = self->ids_capacity;

  self->ids = self->spare_ids;
  self->ids_capacity = self->spare_capacity;
  self->n_ids = self->ids ? n : 0;
  self->spare_ids = old;
  self->spare_capacity = old_capacity;
}

static void
on_clients_changed_cb (PressoStore      *store,
                       PressoClientList *self)
{
  refresh_live (self);
  presso_client_list_reload (self);
}

static void
on_order_loaded_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PressoClientList) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!_presso_store_load_client_order_finish (PRESSO_STORE (source_object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The reload below reads it here instead. */
      g_warning ("Could not list clients in the background: %s", error->message);
    }
  if (self->store == NULL || !self->loading)
    return;
  self->loading = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  presso_client_list_reload (self);
}

/* Up to this many client ids, reading them here takes a couple of milliseconds: quicker than a
 * thread, and no loading state to flash. */
#define FEW_CLIENTS 2000

static gboolean
few_clients (PressoStore *store)
{
  sqlite3_stmt *stmt = _presso_store_statement (store, "SELECT max(id) FROM clients", NULL);
  gboolean few = FALSE;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    few = sqlite3_column_int64 (stmt, 0) <= FEW_CLIENTS;
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return few;
}

static gboolean
start_loading_cb (gpointer data)
{
  PressoClientList *self = data;

  self->start_id = 0;
  _presso_store_load_client_order_async (self->store, self->cancellable, on_order_loaded_cb,
                                         g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------ GListModel */

static GType
presso_client_list_get_item_type (GListModel *model)
{
  return PRESSO_TYPE_CLIENT;
}

static guint
presso_client_list_get_n_items (GListModel *model)
{
  return PRESSO_CLIENT_LIST (model)->n_items;
}

static gpointer
presso_client_list_get_item (GListModel *model,
                             guint       position)
{
  PressoClientList *self = PRESSO_CLIENT_LIST (model);
  PressoClient *client;
  gint64 id;

  if (position >= self->n_items)
    return NULL;
  id = id_at (self, position);
  client = g_hash_table_lookup (self->cache, &id);
  if (client == NULL)
    {
      load_around (self, position);
      client = g_hash_table_lookup (self->cache, &id);
    }
  if (client == NULL)
    {
      /* Deleted since the ids were read: an item is still due at this position. */
      g_autoptr(PressoClient) gone = presso_client_new ();

      presso_client_set_id (gone, id);
      cache_add (self, gone);
      client = gone;
    }
  return g_object_ref (client);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = presso_client_list_get_item_type;
  iface->get_n_items = presso_client_list_get_n_items;
  iface->get_item = presso_client_list_get_item;
}

/* ------------------------------------------------------------------ GObject */

static void
presso_client_list_constructed (GObject *object)
{
  PressoClientList *self = PRESSO_CLIENT_LIST (object);

  G_OBJECT_CLASS (presso_client_list_parent_class)->constructed (object);

  g_return_if_fail (PRESSO_IS_STORE (self->store));
  self->clients_changed_id = g_signal_connect (self->store, "clients-changed",
                                               G_CALLBACK (on_clients_changed_cb), self);
  if (self->loading && few_clients (self->store))
    self->loading = FALSE;
  if (self->loading)
    {
      /* Started once the main loop is idle: a window being shown gets the CPU first. */
      self->cancellable = g_cancellable_new ();
      self->start_id = g_idle_add_full (G_PRIORITY_LOW, start_loading_cb, self, NULL);
      return;
    }
  swap_in_query (self);
  self->n_items = self->n_ids;
}

static void
presso_client_list_dispose (GObject *object)
{
  PressoClientList *self = PRESSO_CLIENT_LIST (object);

  if (self->store)
    g_clear_signal_handler (&self->clients_changed_id, self->store);
  g_clear_handle_id (&self->start_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->cache)
    cache_clear (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (presso_client_list_parent_class)->dispose (object);
}

static void
presso_client_list_finalize (GObject *object)
{
  PressoClientList *self = PRESSO_CLIENT_LIST (object);

  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_free (self->cache_ring);
  g_clear_pointer (&self->live, g_hash_table_unref);
  g_free (self->ids);
  g_free (self->spare_ids);
  g_free (self->query);

  G_OBJECT_CLASS (presso_client_list_parent_class)->finalize (object);
}

static void
presso_client_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PressoClientList *self = PRESSO_CLIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    case PROP_SHOW_ARCHIVED:
      g_value_set_boolean (value, self->show_archived);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_client_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  PressoClientList *self = PRESSO_CLIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_QUERY:
      presso_client_list_set_query (self, g_value_get_string (value));
      break;
    case PROP_SHOW_ARCHIVED:
      presso_client_list_set_show_archived (self, g_value_get_boolean (value));
      break;
    case PROP_LOADING:
      self->loading = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_client_list_class_init (PressoClientListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = presso_client_list_constructed;
  object_class->dispose = presso_client_list_dispose;
  object_class->finalize = presso_client_list_finalize;
  object_class->get_property = presso_client_list_get_property;
  object_class->set_property = presso_client_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PRESSO_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_ARCHIVED] =
    g_param_spec_boolean ("show-archived", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Set at construction: start empty and read the clients on a worker thread. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                          | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
presso_client_list_init (PressoClientList *self)
{
  self->query = g_strdup ("");
  self->live = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, weak_ref_free);
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);
  self->cache_ring = g_new (gint64, CACHE_SIZE);
}

/* ------------------------------------------------------------------ public API */

/**
 * presso_client_list_new:
 * @store: the store to list clients from
 *
 * Returns: (transfer full): every active client, in name order
 */
PressoClientList *
presso_client_list_new (PressoStore *store)
{
  g_return_val_if_fail (PRESSO_IS_STORE (store), NULL);

  return g_object_new (PRESSO_TYPE_CLIENT_LIST, "store", store, NULL);
}

/**
 * presso_client_list_new_loading:
 * @store: the store to list clients from
 *
 * A list that does not make its caller wait: it is empty, and #PressoClientList:loading, until
 * the name order of every client was read on a worker thread (with a connection of its own);
 * then it fills in one "items-changed" and "loading" turns FALSE.  A small clinic (up to 2 000
 * client ids) is read at once instead, as by presso_client_list_new().  A query or show-archived
 * set meanwhile applies when it fills.  A window shows a 100 000-client list this way without
 * reading it before its first frame.
 *
 * Returns: (transfer full): a list of every active client, in name order, once loaded
 */
PressoClientList *
presso_client_list_new_loading (PressoStore *store)
{
  g_return_val_if_fail (PRESSO_IS_STORE (store), NULL);

  return g_object_new (PRESSO_TYPE_CLIENT_LIST, "store", store, "loading", TRUE, NULL);
}

/**
 * presso_client_list_get_loading:
 * @self: a client list
 *
 * Returns: %TRUE while the list waits for the clients to be read (it is empty meanwhile)
 */
gboolean
presso_client_list_get_loading (PressoClientList *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_LIST (self), FALSE);

  return self->loading;
}

/**
 * presso_client_list_get_store:
 * @self: a client list
 *
 * Returns: (transfer none): the store
 */
PressoStore *
presso_client_list_get_store (PressoClientList *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_LIST (self), NULL);

  return self->store;
}

const char *
presso_client_list_get_query (PressoClientList *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_LIST (self), NULL);

  return self->query;
}

/**
 * presso_client_list_set_query:
 * @self: a client list
 * @query: (nullable): what the user typed; "" or %NULL lists every client
 *
 * Filters the list, at once (a reload).
 */
void
presso_client_list_set_query (PressoClientList *self,
                              const char       *query)
{
  g_return_if_fail (PRESSO_IS_CLIENT_LIST (self));

  if (query == NULL)
    query = "";
  if (g_strcmp0 (self->query, query) == 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
  if (self->store)
    presso_client_list_reload (self);
}

gboolean
presso_client_list_get_show_archived (PressoClientList *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_LIST (self), FALSE);

  return self->show_archived;
}

void
presso_client_list_set_show_archived (PressoClientList *self,
                                      gboolean          show)
{
  g_return_if_fail (PRESSO_IS_CLIENT_LIST (self));

  show = !!show;
  if (self->show_archived == show)
    return;
  self->show_archived = show;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_ARCHIVED]);
  if (self->store)
    presso_client_list_reload (self);
}

/* The ids of the clients someone besides this list holds (a row on screen, the selection),
 * that are in both @old[from_old, to_old) and self->ids[from_new, to_new), as pairs of
 * positions, increasing in both lists. */
static GArray *
find_anchors (PressoClientList *self,
              const gint64     *old,
              guint             from_old,
              guint             to_old,
              guint             from_new,
              guint             to_new)
{
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GArray *anchors = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  GHashTableIter iter;
  gpointer key, value;
  guint last_old = 0;
  gboolean any = FALSE;

  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(PressoClient) client = g_weak_ref_get (value);
      guint ours;

      if (client == NULL)
        continue;
      /* The weak ref's get, and the cache, are ours; anything more is someone else's. */
      ours = 1 + (g_hash_table_contains (self->cache, key) ? 1 : 0);
      if ((guint) g_atomic_int_get (&G_OBJECT (client)->ref_count) > ours)
        g_hash_table_insert (held, g_memdup2 (key, sizeof (gint64)), GUINT_TO_POINTER (G_MAXUINT));
    }
  if (g_hash_table_size (held) == 0)
    return anchors;

  for (guint i = from_old; i < to_old; i++)
    if (g_hash_table_lookup_extended (held, &old[i], &key, NULL))
      g_hash_table_insert (held, g_memdup2 (key, sizeof (gint64)), GUINT_TO_POINTER (i));
  for (guint j = from_new; j < to_new; j++)
    {
      guint i = GPOINTER_TO_UINT (g_hash_table_lookup (held, &self->ids[j]));

      if (i == G_MAXUINT || !g_hash_table_contains (held, &self->ids[j]))
        continue;
      if (any && i <= last_old)
        continue;
      g_array_append_vals (anchors, (guint[2]) { i, j }, 1);
      last_old = i;
      any = TRUE;
    }
  return anchors;
}

static void
emit_change (PressoClientList *self,
             guint             position,
             guint             removed,
             guint             added)
{
  self->n_items = self->split_a + self->n_ids - self->split_b;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/**
 * presso_client_list_reload:
 * @self: a client list
 *
 * Runs the query again and tells the view what changed: nothing when the list is the same;
 * else the range between the first and the last position that differ, cut around the clients
 * held outside the list (rows on screen, the selection) that stay in it.  A cut that both
 * removes and adds items is told as a removal, then an addition.
 */
void
presso_client_list_reload (PressoClientList *self)
{
  g_autoptr(GArray) anchors = NULL;
  const gint64 *old;
  guint old_n, new_n, prefix = 0, suffix = 0;
  guint end_old, end_new;

  g_return_if_fail (PRESSO_IS_CLIENT_LIST (self));

  /* Loading: the query applies when the clients are read. */
  if (self->loading)
    return;
  /* A handler of "items-changed" that reloads again: after this one is told. */
  if (self->in_reload)
    {
      self->reload_again = TRUE;
      return;
    }

  old_n = self->n_ids;
  swap_in_query (self);
  old = self->spare_ids;
  new_n = self->n_ids;

  while (prefix < old_n && prefix < new_n && old[prefix] == self->ids[prefix])
    prefix++;
  while (suffix < old_n - prefix && suffix < new_n - prefix
         && old[old_n - 1 - suffix] == self->ids[new_n - 1 - suffix])
    suffix++;
  if (prefix == old_n && prefix == new_n)
    return;

  end_old = old_n - suffix;
  end_new = new_n - suffix;
  anchors = find_anchors (self, old, prefix, end_old, prefix, end_new);

  /* From the last cut to the first, so the positions before each cut do not move. */
  self->in_reload = TRUE;
  self->old_ids = old;
  self->split_a = end_old;
  self->split_b = end_new;
  for (int k = anchors->len; k >= 0; k--)
    {
      guint from_old = k == 0 ? prefix : g_array_index (anchors, guint, 2 * (k - 1)) + 1;
      guint from_new = k == 0 ? prefix : g_array_index (anchors, guint, 2 * (k - 1) + 1) + 1;
      guint to_old = self->split_a, to_new = self->split_b;

      if (to_old > from_old)
        {
          self->split_a = from_old;
          emit_change (self, from_old, to_old - from_old, 0);
        }
      if (to_new > from_new)
        {
          self->split_b = from_new;
          emit_change (self, from_old, 0, to_new - from_new);
        }
      /* Step over the anchor: the same client in both lists. */
      self->split_a = from_old - (k > 0);
      self->split_b = from_new - (k > 0);
    }
  self->old_ids = NULL;
  self->split_a = self->split_b = 0;
  self->n_items = self->n_ids;
  self->in_reload = FALSE;

  if (old_n != new_n)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      presso_client_list_reload (self);
    }
}

/**
 * presso_client_list_find:
 * @self: a client list
 * @client_id: a client id
 *
 * Returns: the position of @client_id in the list, or -1
 */
int
presso_client_list_find (PressoClientList *self,
                         gint64            client_id)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT_LIST (self), -1);

  for (guint i = 0; i < self->n_items; i++)
    if (id_at (self, i) == client_id)
      return (int) i;
  return -1;
}
