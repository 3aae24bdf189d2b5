import AMFNumerics

extension MLPNetwork {
  /// K Monte-Carlo-dropout passes of the mean head: z is dropped unit by unit with probability p and
  /// rescaled by 1/(1 − p) (inverted dropout), then mapped by the mean head.
  ///
  /// Shapes: `input: (n × inputDimension)` → K matrices `(n × A)`.
  /// Edge cases: p = 0 gives K copies of μ; draws are `rng.uniform01() < p` in pass, row, unit order.
  /// Reference: Gal and Ghahramani (2016); AMF.md §2.1 `dropout` (K = 16, p = 0.1).
  public func dropoutMeans(input: Matrix<Scalar>, passes: Int, dropProbability: Double,
                           using rng: inout some RandomNumberGenerator) -> [Matrix<Scalar>] {
    precondition(passes > 0 && dropProbability >= 0 && dropProbability < 1,
                 "dropout needs K > 0 and p in [0, 1), got K = \(passes), p = \(dropProbability)")
    let features = output(for: input).features  // (n × h)
    let head = layers[layers.count - 1]
    let a = architecture.actionDimension
    let keepScale = Scalar(1 / (1 - dropProbability))
    return (0..<passes).map { _ in
      var dropped = features  // (n × h)
      for i in dropped.storage.indices {
        dropped.storage[i] = rng.uniform01() < dropProbability ? 0 : dropped.storage[i] * keepScale
      }
      var output = Matrix<Scalar>(rows: input.rows, columns: 2 * a)  // (n × 2A)
      Self.fillRows(of: &output, with: head.bias)
      Self.product(dropped, head.weight, into: &output, beta: 1)
      var mean = Matrix<Scalar>(rows: input.rows, columns: a)  // (n × A)
      for row in 0..<input.rows {
        for k in 0..<a { mean.storage[row * a + k] = output.storage[row * 2 * a + k] }
      }
      return mean
    }
  }
}

extension MLPPolicy {
  /// K MC-dropout passes of the mean head for a batch (see `MLPNetwork.dropoutMeans`).
  ///
  /// Shapes: `observations: (n × d)`, `taskFeatures: (n × k)` → K matrices `(n × A)`.
  public func dropoutMeans(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>, passes: Int,
                           dropProbability: Double, using rng: inout some RandomNumberGenerator)
    throws(ShapeError) -> [Matrix<Scalar>]
  {
    let input = try normalizer.networkInput(observations: observations, taskFeatures: taskFeatures)
    return network.dropoutMeans(input: input, passes: passes, dropProbability: dropProbability, using: &rng)
  }
}

extension IsolatedMLPPolicy {
  /// MC-dropout mean passes of each row's acting network (π₀'s head for tasks without data).
  ///
  /// Both networks draw from `rng`, π₀ first; shapes as `MLPPolicy.dropoutMeans`.
  public func dropoutMeans(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>, passes: Int,
                           dropProbability: Double, using rng: inout some RandomNumberGenerator)
    throws(ShapeError) -> [Matrix<Scalar>]
  {
    let (tuned, base) = try dropoutPasses(
      prior: prior, fineTuned: fineTuned, observations: observations, taskFeatures: taskFeatures, passes: passes,
      dropProbability: dropProbability, using: &rng)
    let useTuned = hasData(taskFeatures: taskFeatures)
    return zip(tuned, base).map { Self.select($0, $1, useTuned) }
  }
}

extension AdaptivePriorPolicy {
  /// MC-dropout passes of the mixed mean `α μ_ft + (1 − α) μ₀`, both heads dropped (π₀ draws first).
  public func dropoutMeans(observations: Matrix<Scalar>, taskFeatures: Matrix<Scalar>, passes: Int,
                           dropProbability: Double, using rng: inout some RandomNumberGenerator)
    throws(ShapeError) -> [Matrix<Scalar>]
  {
    let (tuned, base) = try dropoutPasses(
      prior: prior, fineTuned: fineTuned, observations: observations, taskFeatures: taskFeatures, passes: passes,
      dropProbability: dropProbability, using: &rng)
    let alpha = alpha(taskFeatures: taskFeatures)
    return zip(tuned, base).map { AdaptiveMixing.mix(fineTuned: $0, prior: $1, alpha: alpha) }
  }
}

/// MC-dropout passes of a fine-tuned network and its prior on the same rows, π₀ drawing first; the mitigated
/// policies combine them row by row.
private func dropoutPasses<Scalar: MLPScalar>(
  prior: MLPPolicy<Scalar>, fineTuned: MLPPolicy<Scalar>, observations: Matrix<Scalar>,
  taskFeatures: Matrix<Scalar>, passes: Int, dropProbability: Double, using rng: inout some RandomNumberGenerator
) throws(ShapeError) -> (tuned: [Matrix<Scalar>], base: [Matrix<Scalar>]) {
  let base = try prior.dropoutMeans(observations: observations, taskFeatures: taskFeatures, passes: passes,
                                    dropProbability: dropProbability, using: &rng)
  let tuned = try fineTuned.dropoutMeans(observations: observations, taskFeatures: taskFeatures, passes: passes,
                                         dropProbability: dropProbability, using: &rng)
  return (tuned, base)
}
