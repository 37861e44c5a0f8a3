/* sd-types.h: forward declarations of the core types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SdApiCreateResult SdApiCreateResult;
typedef struct _SdApiQueryResult  SdApiQueryResult;
typedef struct _SdCatalog         SdCatalog;
typedef struct _SdClient          SdClient;
typedef struct _SdContext         SdContext;
typedef struct _SdDownload        SdDownload;
typedef struct _SdEndpoint        SdEndpoint;
typedef struct _SdModel           SdModel;
typedef struct _SdPrices          SdPrices;
typedef struct _SdProblem         SdProblem;
typedef struct _SdRequest         SdRequest;
typedef struct _SdSecrets         SdSecrets;
typedef struct _SdService         SdService;
typedef struct _SdStore           SdStore;
typedef struct _SdStoreRemoval    SdStoreRemoval;
typedef struct _SdTask            SdTask;
typedef struct _SdUploader        SdUploader;

G_END_DECLS
