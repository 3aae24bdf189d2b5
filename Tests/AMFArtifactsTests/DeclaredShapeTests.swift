import AMFTestSupport
import CHDF5
import Foundation
import Testing

@testable import AMFArtifacts

/// Issue #17: a file that declares an enormous dataset without storing it (10⁹ × 130 float64, 1 GB of
/// fill values promised by a file of a few kB) is refused, naming the object, before anything is allocated.
@Suite struct DeclaredShapeTests {
  /// Writes a file with one contiguous float64 dataset `/giant` of `shape`, never written (late allocation).
  func writeDeclaredOnly(_ shape: [UInt64], to path: String) {
    _ = H5Eset_auto2(amf_h5e_default(), nil, nil)
    let file = H5Fcreate(path, amf_h5f_acc_trunc(), amf_h5p_default(), amf_h5p_default())
    var dimensions = shape.map { hsize_t($0) }
    let space = H5Screate_simple(Int32(dimensions.count), &dimensions, nil)
    let dataset = H5Dcreate2(
      file, "giant", amf_h5t_ieee_f64le(), space, amf_h5p_default(), amf_h5p_default(), amf_h5p_default())
    H5Dclose(dataset)
    H5Sclose(space)
    H5Fclose(file)
  }

  @Test func aGiantDeclaredShapeIsRefusedNotAllocated() throws {
    let folder = try TemporaryDirectory("amf-declared-shape")
    defer { folder.remove() }
    let path = folder.file("giant.h5").path
    writeDeclaredOnly([1_000_000_000, 130], to: path)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size < 10_000)
    do {
      _ = try HDF5Reader.read(path)
      Issue.record("a 1.04 TB declared dataset was read")
    } catch {
      #expect(
        error.description
          == "\(path): damaged HDF5 file (/giant declares shape [1000000000, 130] of 8-byte elements, more than the "
          + "file stores (0 bytes); a damaged or crafted file); delete it and rerun the stage that produced it")
    }
  }

  /// Small unwritten datasets (fill values within 64 KiB) still read, as zeros.
  @Test func aSmallUnwrittenDatasetReadsAsFillValues() throws {
    let folder = try TemporaryDirectory("amf-declared-shape")
    defer { folder.remove() }
    let path = folder.file("small.h5").path
    writeDeclaredOnly([4, 3], to: path)
    let tree = try HDF5Reader.read(path)
    let giant = try #require(tree.datasets["giant"])
    #expect(giant.shape == [4, 3])
    #expect(giant.elements == .float64(Array(repeating: 0, count: 12)))
  }
}
