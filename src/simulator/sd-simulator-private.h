/* sd-simulator-private.h: what the files of SdSimulator share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "sd-api.h"
#include "sd-simulator-media.h"
#include "sd-simulator-test.h"
#include "sd-simulator-upload.h"

G_BEGIN_DECLS

#define SAMPLE_RESOURCE       "/io/github/seedancestudio/SeedanceStudio/core/sample.mp4"
#define VIDEO_PATH            "/videos/"
#define IMAGE_PATH            "/images/"
#define IMAGE_RESOURCE_DIR    "/io/github/seedancestudio/SeedanceStudio/core/sample-images/"
#define TLS_RESOURCE          "/io/github/seedancestudio/SeedanceStudio/core/simulator-demo-tls.pem"
#define STREAM_CHUNK_SIZE     (64 * 1024)
#define OVERSIZED_PADDING     (3 * SD_API_MAX_BODY / 2)
#define DEFAULT_SLOW_DELAY_MS 90000
#define DEFAULT_RETRY_AFTER   1

typedef struct
{
  char    *id;
  char    *model;
  gint64   created_at;   /* Unix seconds */
  gint64   created_us;   /* on the simulator's clock */
  gboolean will_fail;
} SimTask;

typedef struct
{
  SdSimulatorFault fault;
  guint            remaining;  /* 0: until changed */
} FaultSlot;

struct _SdSimulator
{
  GObject      parent_instance;

  SdCatalog   *catalog;
  SoupServer  *server;
  SoupServer  *other_server;   /* NULL when 127.0.0.2 can't be bound */
  char        *base_url;
  char        *other_base_url;
  char        *other_host;
  char        *tls_base_url;   /* NULL without a TLS backend */
  GTlsCertificate *tls_certificate;
  GPtrArray   *sample_image_urls;
  char        *token;
  GBytes      *sample;

  guint        queued_ms;
  guint        processing_ms;
  gboolean     manual_clock;
  gint64       manual_now_us;
  guint64      video_size;
  guint        video_version;  /* 0 and 1: the sample as it is */

  FaultSlot    faults[SD_SIMULATOR_N_STEPS];
  guint        retry_after;
  guint        slow_delay_ms;
  char        *hostile_text;   /* added to every text we make up; NULL: none */
  GHashTable  *slow_replies;   /* source id → nothing; removed on dispose */

  guint        counts[SD_SIMULATOR_N_STEPS];
  GHashTable  *host_counts;    /* host → count */
  GHashTable  *flaky_prompts;  /* "flaky" prompts whose first task failed */
  GHashTable  *auth_seen;      /* host → Authorization header */
  GHashTable  *tasks;          /* id → SimTask */
  GPtrArray   *created_ids;    /* ids of the tasks created, oldest first */
  guint        next_task;
  SdSimMedia  *media;          /* what /media/ serves */
  SdSimUploads *uploads;
  gboolean     no_balance;     /* the balance routes answer 404 */
  gint64       balance;        /* the user balance's "available" */
  guint        max_active;     /* most tasks queued or processing at once */
};

/* How an answer travels: whole, late, cut in half, or oversized. */
typedef struct
{
  GBytes  *source;
  gboolean repeat;     /* the source repeated up to @end (videos) */
  guint64  position;
  guint64  end;
  guint64  drop_at;    /* G_MAXUINT64: never */
  gboolean dropped;
  guint8   mask;       /* XORed into every byte: another version of the video */
} Stream;


gboolean       _sd_simulator_check_method (SdSimulator       *self,
                                           SoupServerMessage *msg,
                                           const char        *allowed);
gboolean       _sd_simulator_check_token (SdSimulator       *self,
                                          SoupServerMessage *msg);
/* What a held request does when its time comes, before it goes on. */
typedef void (*SdSimHeldFunc) (SdSimulator       *self,
                               SoupServerMessage *msg);

void           _sd_simulator_delay_reply (SdSimulator       *self,
                                          SoupServerMessage *msg,
                                          SdSimHeldFunc      then);
void           _sd_simulator_note_request (SdSimulator       *self,
                                           SoupServerMessage *msg);
void           _sd_simulator_on_create_cb (SoupServer        *server,
                                           SoupServerMessage *msg,
                                           const char        *path,
                                           GHashTable        *query,
                                           gpointer           user_data);
void           _sd_simulator_on_query_cb (SoupServer        *server,
                                          SoupServerMessage *msg,
                                          const char        *path,
                                          GHashTable        *query,
                                          gpointer           user_data);
void           _sd_simulator_on_video_cb (SoupServer        *server,
                                          SoupServerMessage *msg,
                                          const char        *path,
                                          GHashTable        *query,
                                          gpointer           user_data);
void           _sd_simulator_send_api_error (SdSimulator       *self,
                                             SoupServerMessage *msg,
                                             guint              status,
                                             const char        *code,
                                             const char        *message);
void           _sd_simulator_send_bytes (SdSimulator       *self,
                                         SoupServerMessage *msg,
                                         guint              status,
                                         const char        *content_type,
                                         GBytes            *bytes,
                                         SdSimulatorFault   fault);
gboolean       _sd_simulator_send_replacing_fault (SdSimulator       *self,
                                                   SoupServerMessage *msg,
                                                   SdSimulatorStep    step,
                                                   SdSimulatorFault   fault);
void           _sd_simulator_send_stream (SoupServerMessage *msg,
                                          Stream            *stream,
                                          gboolean           chunked);
void           _sd_simulator_send_success (SdSimulator       *self,
                                           SoupServerMessage *msg,
                                           JsonObject        *data,
                                           SdSimulatorFault   fault);
SdSimulatorFault _sd_simulator_take_fault (SdSimulator       *self,
                                           SoupServerMessage *msg,
                                           SdSimulatorStep    step);
char *         _sd_simulator_task_id_from_path (const char *path,
                                                const char *prefix,
                                                const char *suffix);
char *         _sd_simulator_with_hostile_text (SdSimulator *self,
                                                const char  *text);

SdTaskStatus   _sd_sim_task_status (SdSimulator *self,
                                    SimTask     *task,
                                    gint64      *updated_at);

G_END_DECLS
