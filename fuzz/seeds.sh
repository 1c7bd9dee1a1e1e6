#!/bin/sh
# Builds the seed corpora of every fuzzer under build/fuzz/ (run from the repository root; called
# by `make fuzz`). Fixture files are named after their path: the checks' fixtures share names
# (pass-1.json in every check), and flattening them by base name would keep only the last.
set -eu
out=${1:-build/fuzz}
mkdir -p "$out/corpus" "$out/templates" "$out/answers" "$out/hcl" "$out/terraform" "$out/policies" \
         "$out/configs" "$out/inputs"

# copy DIR FILE: FILE into DIR, named after its whole path.
copy() { cp "$2" "$1/$(echo "$2" | tr / _)"; }

# Snapshot readers: every aws CLI output and AWS Config item (single files).
find src/checks tests/fixtures examples -path '*snapshot*' -name '*.json' -type f | while read -r f; do copy "$out/corpus" "$f"; done
# CloudFormation templates.
find src/checks tests/fixtures examples -path '*cloudformation*' \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) -type f |
  while read -r f; do copy "$out/templates" "$f"; done
# Live answers: the saved ones, and the CLI outputs (the same JSON the live readers get).
cp tests/fixtures/api-answers/* "$out/answers/"
find src/checks examples -path '*snapshot*' -name '*.json' -type f | while read -r f; do copy "$out/answers" "$f"; done
# HCL and Terraform.
cp -r tests/terraform/corpus/. "$out/hcl/"
cp -r tests/terraform/corpus/. "$out/terraform/"
find src/checks examples -path '*terraform*' \( -name '*.tf' -o -name '*.tf.json' -o -name '*.tfvars' \) -type f |
  while read -r f; do copy "$out/hcl" "$f"; copy "$out/terraform" "$f"; done
# .atrest.yaml: the fixtures' configurations and the examples in docs/configuration.md.
find src tests examples -name '.atrest.yaml' -type f | while read -r f; do copy "$out/configs" "$f"; done

# Policy documents (as JSON) found in fixtures, and whole fixture directories for inputs_fuzzer.
python3 - "$out" <<'PY'
import hashlib, json, os, re, sys
out = sys.argv[1]

def save(directory, text):
    data = text.encode() if isinstance(text, str) else text
    with open(os.path.join(out, directory, hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)

def policies(value):
    if isinstance(value, dict):
        if 'Statement' in value:
            yield value
        for v in value.values():
            yield from policies(v)
    elif isinstance(value, list):
        for v in value:
            yield from policies(v)
    elif isinstance(value, str) and 'Statement' in value:
        try:
            yield from policies(json.loads(value))
        except ValueError:
            pass

try:
    import yaml
    class AnyTag(yaml.SafeLoader):
        pass
    AnyTag.add_multi_constructor('!', lambda loader, suffix, node:
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else
        loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else loader.construct_mapping(node))
except ImportError:
    yaml = None

for base in ('src/checks', 'examples', 'tests/fixtures', 'docs'):
    for dirpath, _, files in os.walk(base):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                text = open(path, encoding='utf-8').read()
            except (UnicodeDecodeError, OSError):
                continue
            if 'Statement' not in text:
                continue
            doc = None
            try:
                doc = json.loads(text)
            except ValueError:
                if yaml and name.endswith(('.yaml', '.yml')):
                    try:
                        doc = yaml.load(text, Loader=AnyTag)
                    except Exception:
                        pass
            if doc is not None:
                for p in policies(doc):
                    save('policies', json.dumps(p, indent=1, default=str))
            # Terraform jsonencode()/heredoc policies: the JSON between the outermost braces.
            for m in re.finditer(r'<<-?EOF\n(.*?)\n\s*EOF', text, re.S):
                save('policies', m.group(1))

# The configuration examples of the docs.
doc = open('docs/configuration.md', encoding='utf-8').read()
for block in re.findall(r'```ya?ml\n(.*?)```', doc, re.S):
    save('configs', block)

# One inputs_fuzzer seed per fixture case directory: "== relative/path" then the content.
for kind in ('snapshot', 'terraform'):
    for check in sorted(os.listdir('src/checks')):
        cases = os.path.join('src/checks', check, 'fixtures', kind)
        if not os.path.isdir(cases):
            continue
        for case in sorted(os.listdir(cases)):
            case_dir = os.path.join(cases, case)
            parts = []
            if os.path.isdir(case_dir):
                for dirpath, _, files in os.walk(case_dir):
                    for name in sorted(files):
                        path = os.path.join(dirpath, name)
                        parts.append((os.path.relpath(path, case_dir), open(path, 'rb').read()))
            else:
                parts.append((case, open(case_dir, 'rb').read()))
            parts = [(n, c) for n, c in parts if not n.endswith('.gz')][:16]
            if parts:
                save('inputs', b''.join(b'== ' + n.encode() + b'\n' + c.rstrip(b'\n') + b'\n' for n, c in parts))
PY
for d in corpus templates answers hcl terraform policies configs inputs; do
  echo "$d: $(ls "$out/$d" | wc -l) seeds"
done
