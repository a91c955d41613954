#ifndef ASSAY_CLIBPQ_SHIM_H
#define ASSAY_CLIBPQ_SHIM_H

#include <libpq-fe.h>

/* The PG_DIAG_* field codes are character macros in <postgres_ext.h>, which Swift does not
   import; these constants carry the same values. */
static const int ASSAY_PG_DIAG_SEVERITY = 'S';
static const int ASSAY_PG_DIAG_SQLSTATE = 'C';
static const int ASSAY_PG_DIAG_MESSAGE_PRIMARY = 'M';
static const int ASSAY_PG_DIAG_MESSAGE_DETAIL = 'D';
static const int ASSAY_PG_DIAG_MESSAGE_HINT = 'H';
static const int ASSAY_PG_DIAG_STATEMENT_POSITION = 'P';
static const int ASSAY_PG_DIAG_SCHEMA_NAME = 's';
static const int ASSAY_PG_DIAG_TABLE_NAME = 't';
static const int ASSAY_PG_DIAG_COLUMN_NAME = 'c';
static const int ASSAY_PG_DIAG_CONSTRAINT_NAME = 'n';
static const int ASSAY_PG_DIAG_CONTEXT = 'W';

#endif
