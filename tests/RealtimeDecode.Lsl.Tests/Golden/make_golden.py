"""Writes the LSL golden fixtures from liblsl's source rules, independently of the C# code.

Run with /usr/bin/python3 from this folder. Sources of each rule (sccn/liblsl):
- sample.cpp assign_test_pattern / test_pattern: timestamp 123456.789; channel k = k + offset (+ a
  per-format constant: double 16777217, int32 65537, int16 257, int8 1, int64 2147483649), modulo the
  type's max for integers (not int64), negated for odd k; strings: str((k + 10) * (1 if k even else -1)).
- sample.cpp save_streambuf: tag 1 (deduced) or 2 + float64 LE timestamp, values LE; strings: width
  byte 1 if len <= 0xFF else 4, then the length, then the bytes.
- stream_info_impl.cpp write_xml + util/cast.cpp to_string(double) (setprecision(16), showpoint =
  %#.16g) + pugixml save defaults (declaration line, tab indentation, <desc /> when empty).
"""
import json
import struct

TS = struct.pack('<d', 123456.789)


def pattern_values(fmt, n, offset):
    out = b''
    for k in range(n):
        if fmt == 'float32':
            v = k + offset
            out += struct.pack('<f', -v if k % 2 else v)
        elif fmt == 'double64':
            v = k + offset + 16777217
            out += struct.pack('<d', -v if k % 2 else v)
        elif fmt == 'int32':
            v = (k + offset + 65537) % 2147483647
            out += struct.pack('<i', -v if k % 2 else v)
        elif fmt == 'int16':
            v = (k + offset + 257) % 32767
            out += struct.pack('<h', -v if k % 2 else v)
        elif fmt == 'int8':
            v = (k + offset + 1) % 127
            out += struct.pack('<b', -v if k % 2 else v)
        elif fmt == 'int64':
            v = k + 2147483649 + offset
            out += struct.pack('<q', -v if k % 2 else v)
        elif fmt == 'string':
            s = str((k + 10) * (1 if k % 2 == 0 else -1)).encode()
            out += encode_string(s)
    return out


def encode_string(b):
    if len(b) <= 0xFF:
        return bytes([1, len(b)]) + b
    return bytes([4]) + struct.pack('<I', len(b)) + b


patterns = {}
for fmt in ['float32', 'double64', 'int32', 'int16', 'int8', 'int64', 'string']:
    for n in [1, 3, 8]:
        for offset in [4, 2]:
            patterns[f'{fmt}/{n}/{offset}'] = (b'\x02' + TS + pattern_values(fmt, n, offset)).hex()

samples = {
    # float32 [1.5, -2.25, 3e-3] at t=1000.125
    'float32_ts': (b'\x02' + struct.pack('<d', 1000.125) + struct.pack('<3f', 1.5, -2.25, 3e-3)).hex(),
    # the same with a deduced timestamp
    'float32_deduced': (b'\x01' + struct.pack('<3f', 1.5, -2.25, 3e-3)).hex(),
    # strings: "", "héllo", 300 x 'a' (4-byte length)
    'strings_ts': (b'\x02' + struct.pack('<d', 7.5) + encode_string(b'') + encode_string('héllo'.encode()) + encode_string(b'a' * 300)).hex(),
}

numbers = [0.0, 0.5, 1.1, 100.0, 250.0, 1.0 / 3.0, 1234.5678, 123456.789, 98765.4321012345, 1e15, 1e16, 1.5e20, 1e-4, 1.25e-5, 2.0 / 1.5]
number_text = {repr(v): '%#.16g' % v for v in numbers}


def field(name, value):
    return f'\t<{name}>{value}</{name}>\n'


def info_xml(desc):
    return ('<?xml version="1.0"?>\n<info>\n'
            + field('name', 'RealtimeDecode')
            + field('type', 'Emotion')
            + field('channel_count', 3)
            + field('channel_format', 'float32')
            + field('source_id', 'rtdecode-test')
            + field('nominal_srate', '%#.16g' % 0.5)
            + field('version', '%#.16g' % (110 / 100.))
            + field('created_at', '%#.16g' % 1234.5678)
            + field('uid', '0a1b2c3d-0000-4000-8000-123456789abc')
            + field('session_id', 'default')
            + field('hostname', 'scanner-pc')
            + field('v4address', '')
            + field('v4data_port', 16572)
            + field('v4service_port', 16573)
            + field('v6address', '')
            + field('v6data_port', 0)
            + field('v6service_port', 0)
            + desc
            + '</info>\n')


short = info_xml('\t<desc />\n')
full = info_xml('\t<desc>\n\t\t<channels>\n'
                + ''.join(f'\t\t\t<channel>\n\t\t\t\t<label>{l}</label>\n\t\t\t\t<unit>a.u.</unit>\n\t\t\t</channel>\n' for l in ['joy', 'fear', 'anger'])
                + '\t\t</channels>\n\t\t<manufacturer>R&amp;D &lt;lab&gt;</manufacturer>\n\t</desc>\n')

with open('lsl_golden.json', 'w') as f:
    json.dump({'patterns': patterns, 'samples': samples, 'numbers': number_text}, f, indent=1, sort_keys=True)
with open('shortinfo.xml', 'w', newline='') as f:
    f.write(short)
with open('fullinfo.xml', 'w', newline='') as f:
    f.write(full)
