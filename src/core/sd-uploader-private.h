/* sd-uploader-private.h: what the files of SdUploader share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sd-client.h"
#include "sd-uploader.h"

G_BEGIN_DECLS

#define SNIFF_SIZE       4096
#define HASH_CHUNK       (256 * 1024)
#define MAX_ANSWER       (1024 * 1024)
#define MAX_AT_ONCE      2
#define MAX_RETRIES_429  3
#define MAX_RETRY_AFTER  60
#define MAX_LINK_LENGTH  4096
#define CACHE_VERSION    1

/* What tells an unchanged file: see _sd_uploader_file_identity(). */
#define IDENTITY_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_UNIX_DEVICE "," \
                            G_FILE_ATTRIBUTE_UNIX_INODE "," G_FILE_ATTRIBUTE_TIME_MODIFIED "," \
                            G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC

struct _SdUpload
{
  GObject        parent_instance;

  GFile         *file;
  SdUploadKind   kind;
  SdUploadState  state;
  guint64        bytes_sent;
  guint64        total;
  char          *sha256;
  char          *url;
  gint64         expires_at;
  gboolean       cached;
  GError        *error;
  GCancellable  *cancellable;
};

typedef struct
{
  char   *url;
  gint64  created_at;
  guint64 size;
} CacheEntry;

/* Writes the cache file on a thread of its own (see sd-uploader-cache.c). */
typedef struct _CacheWriter CacheWriter;
typedef struct _CacheReport CacheReport;

/* A file sent, hashed beside its send (see sd-uploader-hash.c). */
typedef struct _HashLater HashLater;

struct _SdUploader
{
  GObject          parent_instance;

  SdClient        *client;
  SdUploadService *service;     /* NULL: the provider's endpoint */
  char            *cache_path;
  CacheWriter     *writer;
  CacheReport     *report;      /* how its writes answer it */
  char            *cache_error; /* why its last save failed, NULL: saved */
  GHashTable      *cache;       /* "sha256 target" → CacheEntry */
  GHashTable      *unsupported; /* base URLs without an upload endpoint */
  GHashTable      *memo;        /* file identity → SHA-256, see Facts */
  GHashTable      *in_flight;   /* cache key or identity key → leading GTask */
  GHashTable      *hashing;     /* identity key → HashLater, answered, its hash not taken */
  GHashTable      *following;   /* GTask of a follower → its leader */
  GQueue           waiting;     /* GTask, for a free slot */
  guint            active;
  gint64           lifetime;
  gboolean         privacy_acknowledged;
};

enum {
  SIGNAL_UPLOAD_STARTED,
  N_SIGNALS
};

extern guint _sd_uploader_signals[N_SIGNALS];

typedef struct
{
  SdUpload     *upload;
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  gulong        queued_handler; /* on the upload's cancellable, while waiting */
  char         *content_type;
  char         *target;        /* where it goes, copied at send time */
  gboolean      custom;        /* the user's own service */
  SoupMessage  *message;
  GByteArray   *answer;
  gsize         head_length;
  gboolean      holds_slot;
  guint         retries;
  guint         retry_source;
  char         *identity;      /* the file as it was looked at */
  gboolean      hashed_first;  /* read once to hash it before sending */
  GInputStream *body;          /* the file as it is sent */
  HashLater    *later;         /* its hash beside the send, until answered */
  /* Concurrent uploads of the same file: one leads (sends), the others
   * follow it and get its link. */
  GTask        *leader;        /* set on a follower; no reference */
  GPtrArray    *followers;     /* on the leader: GTask (owned) */
  gulong        leader_handlers[2];
} Job;


typedef struct
{
  guint64  size;
  char    *content_type;
  char    *sha256;       /* NULL: not hashed (hashed beside the send) */
  char    *identity;     /* "device:inode:size:mtime-ns", NULL if unknown */
} Facts;

/* What the facts thread is asked for. */
typedef struct
{
  SdUpload *upload;
  gboolean  hash;          /* also the SHA-256 (reads the whole file) */
} FactsWanted;

void           _sd_uploader_facts_wanted_free (FactsWanted *wanted);

void           _sd_uploader_cache_load (SdUploader *self);
/* Queues the cache as it is now to be written; returns at once. */
void           _sd_uploader_cache_save (SdUploader *self);
/* On the main context, after each write of this uploader's text: NULL
 * when it was written, else the sentence saying why not. */
void           _sd_uploader_set_cache_error (SdUploader *self,
                                             const char *text);
/* Waits for the writes queued, then frees the writer. */
void           _sd_uploader_cache_close (SdUploader *self);
/* For the tests: hold the writer before its next write (or let it go),
 * and how many times it wrote the file. */
void           _sd_uploader_cache_hold (SdUploader *self,
                                        gboolean    hold);
guint          _sd_uploader_cache_get_writes (SdUploader *self);
void           _sd_uploader_facts_free (Facts *facts);
char *         _sd_uploader_file_identity (GFileInfo *info);
void           _sd_uploader_read_facts_thread (GTask        *task,
                                               gpointer      source_object,
                                               gpointer      task_data,
                                               GCancellable *cancellable);
void           _sd_uploader_remember (SdUploader *self,
                                      const char *identity,
                                      const char *sha256);
void           _sd_uploader_cache_entry_free (CacheEntry *entry);
gboolean       _sd_uploader_job_end_if_cancelled (GTask *task);
void           _sd_uploader_job_fail (GTask  *task,
                                      GError *error);
char *         _sd_uploader_cache_key (const char *sha256,
                                       const char *target);
void           _sd_uploader_job_succeed (GTask      *task,
                                         const char *url,
                                         gint64      created_at,
                                         gboolean    cached);
void           _sd_uploader_job_send (GTask *task);
GError *       _sd_uploader_unsupported_error (SdUploader *self,
                                               const char *why);
gboolean       _sd_uploader_link_is_acceptable (const char *url);
gboolean       _sd_uploader_check_service_url (const char  *url,
                                               GError     **error);

/* The key an upload is found by while it is sent or hashed: its file as
 * it was looked at, and where it goes; NULL without an identity. */
char *         _sd_uploader_identity_key (Job *job);
/* @task (owned) waited for a hash after an answer: looks it up again. */
void           _sd_uploader_job_resume (GTask *task);

/* Starts hashing @job's file beside its send, on a thread, when its
 * SHA-256 is not known (see sd-uploader-hash.c). */
void           _sd_uploader_hash_begin (SdUploader *self,
                                        Job        *job);
/* @job's file was sent and answered with @url: once it is hashed (beside
 * the send, or on a thread now if that could not begin), caches the link
 * under its SHA-256 if the file is still what was sent. */
void           _sd_uploader_hash_later (SdUploader *self,
                                        Job        *job,
                                        const char *key,
                                        const char *url,
                                        gint64      created_at);
/* @job's send failed: its hash, once done, is only memoised. */
void           _sd_uploader_hash_abandon (SdUploader *self,
                                          Job        *job);
void           _sd_uploader_hash_later_unref (HashLater *later);
/* @task (owned, on TRUE) waits for a hash under way of a file of its
 * size, sent where it goes, if any. */
gboolean       _sd_uploader_hash_later_wait_for (SdUploader *self,
                                                 GTask      *task);
/* For the tests: hashes wait before they start while held (every
 * uploader's); how many files they hashed in full (beside a send, or
 * after it). */
void           _sd_uploader_hash_hold (gboolean hold);
/* For the tests: while held, a hash's idle thread stops after its first
 * chunk, and its hash thread finishes the file. */
void           _sd_uploader_hash_hold_background (gboolean hold);
guint          _sd_uploader_hash_get_count (void);
/* For the tests: a body waits before the file's second chunk while held,
 * until let go or its send is cancelled (every uploader's). */
void           _sd_uploader_body_hold (gboolean hold);
/* Blocks until every hash under way is done and taken (flush, finalize). */
void           _sd_uploader_hashes_wait (SdUploader *self);

char *         _sd_upload_name (SdUpload *self);
void           _sd_upload_set_bytes_sent (SdUpload *self,
                                          guint64   bytes);
void           _sd_upload_set_sha256 (SdUpload   *self,
                                      const char *sha256);
void           _sd_upload_set_state (SdUpload      *self,
                                     SdUploadState  state);
SdUploadService * _sd_upload_service_copy (const SdUploadService *service);

G_END_DECLS
