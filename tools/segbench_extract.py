#!/usr/bin/python3
# segbench_extract.py OUT FILE.jsonl... -- write "u32 idlen, id, u32 textlen,
# text" records (little-endian) for tools/segbench.c
import json, struct, sys, glob
out = open(sys.argv[1], 'wb')
for f in sys.argv[2:]:
    for line in open(f, encoding='utf-8'):
        d = json.loads(line)
        i = d['id'].encode(); t = d['text'].encode('utf-8', 'surrogatepass')
        out.write(struct.pack('<I', len(i))); out.write(i)
        out.write(struct.pack('<I', len(t))); out.write(t)
