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
// The pieces of dsyevr, called separately so that only the wanted eigenvectors are back-transformed:
// reduce a symmetric matrix to tridiagonal form (Householder), eigenpairs of a symmetric tridiagonal matrix
// (MRRR), and multiply by the orthogonal matrix of the reduction.
void dsytrd_(const char *uplo, const int *n, double *a, const int *lda, double *d, double *e, double *tau,
             double *work, const int *lwork, int *info);
void dstemr_(const char *jobz, const char *range, const int *n, double *d, double *e, const double *vl,
             const double *vu, const int *il, const int *iu, int *m, double *w, double *z, const int *ldz,
             const int *nzc, int *isuppz, int *tryrac, double *work, const int *lwork, int *iwork,
             const int *liwork, int *info);
void dormtr_(const char *side, const char *uplo, const char *trans, const int *m, const int *n, const double *a,
             const int *lda, const double *tau, double *c, const int *ldc, double *work, const int *lwork,
             int *info);
// Householder QR of a column-major (m × n) matrix, and the explicit m × n Q with orthonormal columns.
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work, const int *lwork,
             int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau, double *work,
             const int *lwork, int *info);
#endif
