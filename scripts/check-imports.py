#!/usr/bin/env python3
"""Fails when a target imports a module its Package.swift entry does not declare.

SwiftPM lets a target import any module that reaches it transitively; that hides
dependencies (issue 15: the daemon once linked the whole batch side that way).
Run by `make test`; prints each undeclared import with the target and file.

Also fails on `@inlinable` with `package` access: Swift 6.3 serializes the bodies of `public`
declarations only (package CMO needs library evolution), so an `@inlinable package` kernel is an
out-of-line call from every other module — measured: `reel publish`'s top-K 2.2x slower when the
SIMD kernels of ReelCore/Kernels were `package` (docs/architecture.md, "Access")."""
import glob, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
pkg = open('Package.swift').read()
starts = [m for m in re.finditer(r'\.(target|executableTarget|testTarget|systemLibrary)\(name: "([^"]+)"', pkg)]
SYSTEM = {'Foundation', 'FoundationEssentials', 'Glibc', 'Darwin', 'Dispatch', 'Synchronization',
          'Testing', 'XCTest', '_Concurrency', 'Musl'}
problems = []
for i, m in enumerate(starts):
    kind, name = m.group(1), m.group(2)
    if kind == 'systemLibrary':
        continue
    body = pkg[m.end():starts[i + 1].start() if i + 1 < len(starts) else len(pkg)]
    deps_text = body.split('swiftSettings')[0].split('resources:')[0]
    declared = set(re.findall(r'"([A-Za-z][A-Za-z0-9_-]*)"', deps_text))
    path = re.search(r'path: "([^"]+)"', body)
    base = path.group(1) if path else ('Tests/' if kind == 'testTarget' else 'Sources/') + name
    for p in sorted(glob.glob(base + '/**/*.swift', recursive=True)):
        for n, line in enumerate(open(p, encoding='utf-8'), 1):
            im = re.match(r'^(?:@testable |@preconcurrency |@_implementationOnly |internal |public |package )*import (?:(?:struct|enum|class|func) )?(\w+)', line)
            if im and im.group(1) not in declared | SYSTEM | {name}:
                problems.append(f'{p}:{n}: {name} imports {im.group(1)}, which its Package.swift entry does not declare')
for p in sorted(glob.glob('Sources/**/*.swift', recursive=True)):
    for n, line in enumerate(open(p, encoding='utf-8'), 1):
        if re.match(r'^\s*@inlinable\b.*\bpackage\b', line) and not line.lstrip().startswith('///'):
            problems.append(f'{p}:{n}: @inlinable package: another module cannot inline it (Swift 6.3); make it public')
for line in problems:
    print(line)
if problems:
    sys.exit(1)
print(f'imports: every import of {len(starts)} targets is declared in Package.swift')
