/* test-secrets.c: the API token in the keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-secrets.h"
#include "sd-test-util.h"

typedef struct
{
  GMainLoop *loop;
  char      *token;
  char      *notice;
  gboolean   ok;
  GError    *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->loop, g_main_loop_unref);
  g_clear_pointer (&r->token, g_free);
  g_clear_pointer (&r->notice, g_free);
  g_clear_error (&r->error);
}

static void
on_lookup_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->token = sd_secrets_lookup_finish (SD_SECRETS (source), res, &r->notice, &r->error);
  g_main_loop_quit (r->loop);
}

static void
on_store_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->ok = sd_secrets_store_finish (SD_SECRETS (source), res, &r->notice, &r->error);
  g_main_loop_quit (r->loop);
}

static void
on_clear_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->ok = sd_secrets_clear_finish (SD_SECRETS (source), res, &r->error);
  g_main_loop_quit (r->loop);
}

static void
lookup (SdSecrets *secrets, const char *url, Result *r)
{
  r->loop = g_main_loop_new (NULL, FALSE);
  sd_secrets_lookup_async (secrets, url, NULL, on_lookup_cb, r);
  g_main_loop_run (r->loop);
}

static void
store (SdSecrets *secrets, const char *url, const char *token, Result *r)
{
  r->loop = g_main_loop_new (NULL, FALSE);
  sd_secrets_store_async (secrets, url, token, NULL, on_store_cb, r);
  g_main_loop_run (r->loop);
}

static void
clear (SdSecrets *secrets, const char *url, Result *r)
{
  r->loop = g_main_loop_new (NULL, FALSE);
  sd_secrets_clear_async (secrets, url, NULL, on_clear_cb, r);
  g_main_loop_run (r->loop);
}


static void
test_store_then_lookup (void)
{
  g_autoptr(SdSecrets) secrets = sd_secrets_new ();
  Result r = { 0 };

  store (secrets, "https://api.example.com", "sk_stored", &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpstr (r.notice, ==, NULL);
  result_clear (&r);

  lookup (secrets, "https://api.example.com", &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.token, ==, "sk_stored");
  result_clear (&r);
}

static void
test_token_survives_a_new_object (void)
{
  Result r = { 0 };

  {
    g_autoptr(SdSecrets) first = sd_secrets_new ();
    store (first, "https://persist.example.com", "sk_persist", &r);
    g_assert_true (r.ok);
    result_clear (&r);
  }
  {
    g_autoptr(SdSecrets) second = sd_secrets_new ();
    lookup (second, "https://persist.example.com", &r);
    g_assert_cmpstr (r.token, ==, "sk_persist");
    result_clear (&r);
  }
}

static void
test_tokens_are_per_base_url (void)
{
  g_autoptr(SdSecrets) secrets = sd_secrets_new ();
  Result r = { 0 };

  store (secrets, "https://a.example.com", "sk_a", &r);
  result_clear (&r);
  store (secrets, "https://b.example.com", "sk_b", &r);
  result_clear (&r);

  lookup (secrets, "https://a.example.com", &r);
  g_assert_cmpstr (r.token, ==, "sk_a");
  result_clear (&r);
  lookup (secrets, "https://unknown.example.com", &r);
  g_assert_no_error (r.error);
  g_assert_null (r.token);
  result_clear (&r);
}

static void
test_store_replaces_the_old_token (void)
{
  g_autoptr(SdSecrets) secrets = sd_secrets_new ();
  Result r = { 0 };

  store (secrets, "https://replace.example.com", "sk_old", &r);
  result_clear (&r);
  store (secrets, "https://replace.example.com", "sk_new", &r);
  result_clear (&r);
  lookup (secrets, "https://replace.example.com", &r);
  g_assert_cmpstr (r.token, ==, "sk_new");
  result_clear (&r);
}

static void
test_clear_forgets_the_token (void)
{
  g_autoptr(SdSecrets) secrets = sd_secrets_new ();
  Result r = { 0 };

  store (secrets, "https://clear.example.com", "sk_clear", &r);
  result_clear (&r);
  clear (secrets, "https://clear.example.com", &r);
  g_assert_true (r.ok);
  result_clear (&r);
  lookup (secrets, "https://clear.example.com", &r);
  g_assert_null (r.token);
  result_clear (&r);
}

static void
test_keyring_file_does_not_hold_the_token_in_clear (void)
{
  g_autoptr(SdSecrets) secrets = sd_secrets_new ();
  g_autofree char *contents = NULL;
  gsize length = 0;
  Result r = { 0 };

  store (secrets, "https://clear-text.example.com", "sk_must_not_show", &r);
  result_clear (&r);
  g_assert_true (g_file_get_contents (g_getenv ("SECRET_FILE_TEST_PATH"),
                                      &contents, &length, NULL));
  g_assert_null (g_strstr_len (contents, length, "sk_must_not_show"));
}

static void
test_without_keyring_the_token_is_kept_for_the_session (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SdSecrets) secrets = NULL;
      Result r = { 0 };

      /* A session bus that does not exist: no Secret Service answers. */
      g_setenv ("SECRET_BACKEND", "service", TRUE);
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
      secrets = sd_secrets_new ();

      store (secrets, "https://nokeyring.example.com", "sk_session", &r);
      g_assert_no_error (r.error);
      g_assert_true (r.ok);
      g_assert_nonnull (r.notice);
      g_assert_nonnull (strstr (r.notice, "this session only"));
      g_assert_null (strstr (r.notice, "sk_session"));
      result_clear (&r);

      lookup (secrets, "https://nokeyring.example.com", &r);
      g_assert_cmpstr (r.token, ==, "sk_session");
      result_clear (&r);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!g_test_subprocess ())
    sd_test_use_file_keyring ();

  g_test_add_func ("/secrets/store-then-lookup", test_store_then_lookup);
  g_test_add_func ("/secrets/token-survives-a-new-object", test_token_survives_a_new_object);
  g_test_add_func ("/secrets/tokens-are-per-base-url", test_tokens_are_per_base_url);
  g_test_add_func ("/secrets/store-replaces-the-old-token", test_store_replaces_the_old_token);
  g_test_add_func ("/secrets/clear-forgets-the-token", test_clear_forgets_the_token);
  g_test_add_func ("/secrets/keyring-file-does-not-hold-the-token-in-clear",
                   test_keyring_file_does_not_hold_the_token_in_clear);
  g_test_add_func ("/secrets/without-keyring-the-token-is-kept-for-the-session",
                   test_without_keyring_the_token_is_kept_for_the_session);

  return g_test_run ();
}
