# Sourced by scripts/lint.sh and scripts/format-all.sh: the swift-format to run and the
# Swift sources it checks (Sources, Tests and the Swift benchmarks), one list for both.
if swift format --version >/dev/null 2>&1; then
    SWIFT_FORMAT=(swift format)
elif command -v swift-format >/dev/null 2>&1; then
    SWIFT_FORMAT=(swift-format)
else
    SWIFT_FORMAT=()
fi
FORMAT_PATHS=(Sources Tests)
while IFS= read -r dir; do FORMAT_PATHS+=("$dir"); done < <(find Benchmarks -name '*.swift' -exec dirname {} \; 2>/dev/null | sort -u)
