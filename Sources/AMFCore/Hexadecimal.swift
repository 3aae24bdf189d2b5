/// Lowercase hexadecimal of a byte sequence, two digits per byte: how every SHA-256 in the project is
/// written (content hashes, stage keys, byte digests, archive checksums).
///
/// Edge cases: an empty sequence gives the empty string; a 32-byte SHA-256 digest gives 64 digits.
public func hexadecimal<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
  let digits = Array("0123456789abcdef".utf8)
  var text: [UInt8] = []
  text.reserveCapacity(64)
  for byte in bytes {
    text.append(digits[Int(byte >> 4)])
    text.append(digits[Int(byte & 0x0f)])
  }
  return String(decoding: text, as: UTF8.self)
}
