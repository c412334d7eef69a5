import Testing
@testable import ReelCore

@Suite struct JSONStyleTests {
    func styled(_ s: String) -> String { String(decoding: JSONStyle.camelCased(Array(s.utf8)), as: UTF8.self) }

    @Test func keysBecomeCamelCaseValuesStay() {
        #expect(
            styled(#"{"run_id":"a_b","stages":[{"duration_seconds":1.25}],"x":"k_ey:"}"#)
                == #"{"runId":"a_b","stages":[{"durationSeconds":1.25}],"x":"k_ey:"}"#)
        #expect(styled(#"{"model.cg_steps": 3, "trending-7d": 1}"#) == #"{"model.cgSteps": 3, "trending-7d": 1}"#)
        #expect(styled(#"{"_private":true,"esc\"aped_key":1}"#) == #"{"_private":true,"esc\"aped_key":1}"#)
    }

    /// Rule names are data: `reel etl --json` and `reel events ingest --json` name a rule as the
    /// quarantine files and schemas do, while the field holding them is camelCased.
    @Test func ruleNamesUnderByRuleKeepTheirSpelling() {
        #expect(
            styled(#"{"tables":[{"rejected_by_rule":{"ts_in_future":2,"title_invalid_utf8":1},"read_rows":3}],"next_key":{"a_b":1}}"#)
                == #"{"tables":[{"rejectedByRule":{"ts_in_future":2,"title_invalid_utf8":1},"readRows":3}],"nextKey":{"aB":1}}"#)
        #expect(styled(#"{"rejectedByRule":{"rating_range":1}}"#) == #"{"rejectedByRule":{"rating_range":1}}"#)
    }

    @Test func fractionsAreRoundedIntegersUntouched() {
        #expect(styled("[0.10999999999999993,845448.21875,12345678901234567,-2.5e-7,3]") == "[0.11,845448.0,12345678901234567,-2.5e-07,3]")
    }
}
