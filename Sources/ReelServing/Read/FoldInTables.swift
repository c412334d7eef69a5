import ReelCore

/// The optional fold-in sections of a release (format 1.1), viewed in place
/// and validated: what `POST /v1/recommendations` needs to solve a new user's
/// row (`FoldInModel`). A 1.0 release, or one published from factors without
/// a training record, has none: the daemon serves it and answers fold-in
/// requests with 404.
public struct FoldInTables: @unchecked Sendable {
    /// `[rule, lambda, alpha, 0]` (`FoldInParams.section`).
    public let params: UnsafeBufferPointer<Float>
    /// YᵀY, `rank × rank`.
    public let gram: UnsafeBufferPointer<Float>
    /// `users × rank`, or nil when the release does not keep user factors.
    public let users: UnsafeBufferPointer<Float>?

    /// Nil when the release has no fold-in sections; throws when it has only
    /// some of the required ones or any is malformed.
    init?(_ file: SectionFileReader, check: ReleaseCheck, rank: Int, userCount: Int) throws {
        typealias S = ReleaseFormat.Section
        let present = [S.foldInParams, S.foldInGram].map(file.has)
        guard present.contains(true) else {
            if file.has(S.foldInUsers) {
                throw check.fail("section 'foldInUsers' needs 'foldInParams' and 'foldInGram'")
            }
            return nil
        }
        guard present.allSatisfy({ $0 }) else {
            throw check.fail("sections 'foldInParams' and 'foldInGram' come together; this release has only one of them")
        }
        params = try check.array(file, S.foldInParams, count: 4)
        guard params[0] == 0 || params[0] == 1, params[1].isFinite, params[1] > 0,
            params[2].isFinite, params[2] >= 0, params[3] == 0
        else {
            throw check.fail(
                "section 'foldInParams' holds [\(params.map { "\($0)" }.joined(separator: ", "))], not a rule 0 or 1, λ > 0, α ≥ 0 and 0")
        }
        guard rank >= 1 else { throw check.fail("fold-in sections in a release of rank 0") }
        gram = try check.array(file, S.foldInGram, count: rank * rank)
        try check.finite(gram, S.foldInGram)
        if check.deep {
            for i in 0..<rank {
                guard gram[i * rank + i] >= 0 else { throw check.fail("section 'foldInGram' has a negative diagonal entry at \(i)") }
                for j in 0..<i where gram[i * rank + j] != gram[j * rank + i] {
                    throw check.fail("section 'foldInGram' is not symmetric at (\(i), \(j))")
                }
            }
        }
        if file.has(S.foldInUsers) {
            let users: UnsafeBufferPointer<Float> = try check.array(file, S.foldInUsers, count: userCount * rank)
            try check.finite(users, S.foldInUsers)
            self.users = users
        } else {
            users = nil
        }
    }
}
