import AMFCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The two Unix-socket calls a bridge client needs (Linux): connect, and hand a descriptor over.
enum UnixSocket {
  /// A connected, close-on-exec stream socket to `path`.
  ///
  /// Edge cases: throws `BridgeError.launchFailed` naming `path` when it is too long for `sun_path` or
  /// nothing listens there.
  static func connect(to path: String, label: String) throws -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard !bytes.isEmpty, bytes.count < capacity else {
      throw BridgeError.launchFailed(label, reason: "\(path): a socket path needs 1…\(capacity - 1) bytes")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else {
      throw BridgeError.launchFailed(label, reason: "socket: \(String(cString: strerror(errno)))")
    }
    let status = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard status == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw BridgeError.launchFailed(label, reason: "\(path): connect: \(reason)")
    }
    return descriptor
  }

  /// Sends one zero byte over `socket` with `descriptor` attached (`SCM_RIGHTS`): the receiver gets its own
  /// descriptor for the same open file.
  static func send(descriptor: Int32, over socket: Int32) throws {
    // CMSG_SPACE(sizeof(int)): the header, then the int padded to the header's alignment.
    let header = MemoryLayout<cmsghdr>.size
    let alignment = MemoryLayout<Int>.size
    let space = header + (MemoryLayout<Int32>.size + alignment - 1) / alignment * alignment
    var control = [UInt8](repeating: 0, count: space)
    control.withUnsafeMutableBytes { buffer in
      var message = cmsghdr()
      message.cmsg_len = header + MemoryLayout<Int32>.size  // CMSG_LEN(sizeof(int))
      message.cmsg_level = SOL_SOCKET
      message.cmsg_type = Int32(SCM_RIGHTS)
      buffer.storeBytes(of: message, toByteOffset: 0, as: cmsghdr.self)
      buffer.storeBytes(of: descriptor, toByteOffset: header, as: Int32.self)
    }
    var byte: UInt8 = 0
    let sent = withUnsafeMutablePointer(to: &byte) { bytePointer in
      control.withUnsafeMutableBytes { controlBuffer in
        var vector = iovec(iov_base: UnsafeMutableRawPointer(bytePointer), iov_len: 1)
        return withUnsafeMutablePointer(to: &vector) { vectorPointer in
          var message = msghdr()
          message.msg_iov = vectorPointer
          message.msg_iovlen = 1
          message.msg_control = controlBuffer.baseAddress
          message.msg_controllen = controlBuffer.count
          return sendmsg(socket, &message, Int32(MSG_NOSIGNAL))
        }
      }
    }
    guard sent == 1 else { throw FileSystemError.fromErrno("socket \(socket)", "sendmsg") }
  }
}
