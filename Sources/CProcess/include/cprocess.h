#ifndef AMF_CPROCESS_H
#define AMF_CPROCESS_H
/// Asks the kernel to send SIGKILL to this process when its parent dies (Linux prctl
/// PR_SET_PDEATHSIG); returns 0 on success, -1 where unsupported.
int amf_kill_when_parent_dies(void);
#endif
