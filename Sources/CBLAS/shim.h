// OpenBLAS: CBLAS plus the LAPACK Fortran symbols it exports without a lapack.h (../shared/NOTES.md).
#ifndef AMF_CBLAS_SHIM_H
#define AMF_CBLAS_SHIM_H
#include <cblas.h>

// LAPACK (Fortran calling convention: every argument by pointer; hidden string lengths omitted, as
// is customary for single-character arguments).
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void spotrs_(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda,
             float *b, const int *ldb, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
// Selected eigenpairs of a symmetric matrix (RANGE = 'V': eigenvalues in (vl, vu]); MRRR algorithm.
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *lda,
             const double *vl, const double *vu, const int *il, const int *iu, const double *abstol, int *m,
             double *w, double *z, const int *ldz, int *isuppz, double *work, const int *lwork, int *iwork,
             const int *liwork, int *info);
#endif
