// HDF5's predefined identifiers are macros that call H5open() and read mutable globals; Swift imports
// neither, so they are wrapped here as inline functions (../shared/NOTES.md).
#ifndef AMF_CHDF5_SHIM_H
#define AMF_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t amf_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t amf_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t amf_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t amf_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t amf_h5t_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t amf_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t amf_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t amf_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t amf_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t amf_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t amf_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t amf_h5t_variable(void) { return H5T_VARIABLE; }

static inline hid_t amf_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t amf_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t amf_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t amf_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t amf_h5p_attribute_create(void) { return H5P_ATTRIBUTE_CREATE; }
static inline hid_t amf_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t amf_h5s_all(void) { return H5S_ALL; }
static inline hid_t amf_h5e_default(void) { return H5E_DEFAULT; }

static inline unsigned amf_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned amf_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned amf_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }

#endif
