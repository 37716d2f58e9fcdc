# Verifies a DSSE envelope with securesystemslib, as a user of the published key would:
#   python3 verify_dsse.py envelope.json builder-key.json
# Exit 0 when a signature verifies over PAE(payloadType, payload), 1 otherwise.
import base64
import json
import sys

from securesystemslib.signer import Signature, SSlibKey

envelope = json.load(open(sys.argv[1]))
key_dict = json.load(open(sys.argv[2]))
payload = base64.b64decode(envelope["payload"])
payload_type = envelope["payloadType"].encode()
pae = b"DSSEv1 %d %b %d %b" % (len(payload_type), payload_type, len(payload), payload)
key = SSlibKey.from_dict(key_dict.pop("keyid"), key_dict)
for s in envelope["signatures"]:
    try:
        key.verify_signature(Signature(s["keyid"], base64.b64decode(s["sig"]).hex()), pae)
    except Exception as e:  # UnverifiedSignatureError, VerificationError
        print("not verified:", type(e).__name__, e)
        continue
    statement = json.loads(payload)
    print("verified", statement["predicateType"], [x["name"] for x in statement["subject"]])
    sys.exit(0)
sys.exit(1)
