#!/usr/bin/env python3
"""Code-shape measurements of issue #18, rerunnable: lines of source and tests per module, the test ratio,
file sizes and function sizes. Usage: python3 Scripts/code-metrics.py [--root DIR]

Lines are physical lines of .swift/.c/.h files. A function is a line whose code starts with a `func`,
`init` or `deinit` declaration (after modifiers) and the brace-balanced block that follows it; its size is
the number of lines from the declaration to its closing brace. Comment and string braces are not parsed out
(Swift code here keeps braces out of strings almost everywhere), so sizes are approximate to a line or two.
"""
import argparse
import os
import re
import statistics

DECL = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|static|'
                  r'class|override|mutating|nonisolated|final|convenience|required|@inlinable)\s+)*'
                  r'(?:func\s|init[(<?!]|deinit\b)')


def swift_files(folder):
    for base, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            if name.endswith(('.swift', '.c', '.h')):
                yield os.path.join(base, name)


def count_lines(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read().splitlines()


def function_sizes(lines):
    sizes = []
    for start, line in enumerate(lines):
        if not DECL.match(line) or line.strip().startswith('//'):
            continue
        depth, opened = 0, False
        for end in range(start, len(lines)):
            code = lines[end].split('//')[0]
            depth += code.count('{') - code.count('}')
            opened = opened or '{' in code
            if opened and depth <= 0:
                sizes.append(end - start + 1)
                break
            if not opened and end > start + 8:
                break  # a protocol requirement: no body
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', default='.')
    root = parser.parse_args().root
    sources, tests = os.path.join(root, 'Sources'), os.path.join(root, 'Tests')
    print('| module | source lines | test lines | tests / source |')
    print('|---|---:|---:|---:|')
    total_source = total_tests = 0
    file_sizes, functions = [], []
    for module in sorted(os.listdir(sources)):
        paths = list(swift_files(os.path.join(sources, module)))
        source = 0
        for path in paths:
            lines = count_lines(path)
            source += len(lines)
            file_sizes.append((len(lines), os.path.relpath(path, root)))
            functions += function_sizes(lines)
        test_folder = os.path.join(tests, module + 'Tests')
        test = sum(len(count_lines(p)) for p in swift_files(test_folder)) if os.path.isdir(test_folder) else 0
        total_source += source
        total_tests += test
        if source >= 100:
            print(f'| {module} | {source} | {test} | {test / source:.2f} |')
    all_tests = sum(len(count_lines(p)) for p in swift_files(tests))
    print(f'| all (Tests/ incl. support and fakes) | {total_source} | {all_tests} | {all_tests / total_source:.2f} |')
    sizes = sorted(n for n, _ in file_sizes)
    print()
    print(f'files: {len(sizes)}, median {statistics.median(sizes):.0f} lines, '
          f'90th percentile {sizes[int(0.9 * (len(sizes) - 1))]}, largest:')
    for n, path in sorted(file_sizes, reverse=True)[:5]:
        print(f'  {n:5d} {path}')
    functions.sort()
    print(f'functions: {len(functions)}, median {statistics.median(functions):.0f} lines, '
          f'90th percentile {functions[int(0.9 * (len(functions) - 1))]}, '
          f'over 40 lines: {sum(f > 40 for f in functions)}, largest {functions[-1]}')


if __name__ == '__main__':
    main()
