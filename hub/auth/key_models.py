"""The security-key models a county approves by default: FIDO2 keys with attestation, by their AAGUID.

Source: the FIDO Alliance Metadata Service as republished in the community list passkeydeveloper/
passkey-authenticator-aaguids (``combined_aaguid.json``), keeping hardware keys only: Feitian (飞天诚信, Beijing) and
Excelsecu (一砂, Shenzhen), the keys most sold on the Chinese market, and Yubico, Google Titan, Nitrokey, TOKEN2.
An operator replaces the list with ``HUB_SECURITY_KEY_AAGUIDS`` (comma-separated), or turns the check off with
``any`` (attestation is then not requested: a software authenticator could enrol, so only for tests).

The list says which models are approved; the FIDO metadata says whether a key is one. Once an operator imports the
FIDO Metadata Service BLOB (``hub keys import-metadata``, hub/auth/key_metadata.py), an attestation certificate must
chain to a root of its model's metadata entry and a revoked or compromised model is refused; for an approved model with
no imported metadata ``HUB_SECURITY_KEY_METADATA`` decides (``if_present``: enrols on its certificate alone;
``required``: refused, as production sets it). Self attestation (no certificate) and ``none`` are refused, but for
the self-attesting models listed in ``SELF_ATTESTING_MODELS`` (the demo's virtual authenticator, which has no chain).
"""

from __future__ import annotations

DEFAULT_MODELS: dict[str, str] = {
    # Feitian (飞天诚信)
    "833b721a-ff5f-4d00-bb2e-bdda3ec01e29": "Feitian ePass FIDO2 Authenticator",
    "ee041bce-25e5-4cdb-8f86-897fd6418464": "Feitian ePass FIDO2-NFC Authenticator",
    "260e3021-482d-442d-838c-7edfbe153b7e": "Feitian ePass FIDO2-NFC Plus Authenticator",
    "234cd403-35a2-4cc2-8015-77ea280c77f5": "Feitian ePass FIDO2-NFC Series (CTAP2.1, CTAP2.0, U2F)",
    "12755c32-8ad1-46eb-881c-e0b38d848b09": "Feitian ePass FIDO Authenticator (CTAP2.1, CTAP2.0, U2F)",
    "78ba3993-d784-4f44-8d6e-cc0a8ad5230e": "Feitian ePass FIDO-NFC (CTAP2.1, CTAP2.0, U2F)",
    "39589099-9a75-49fc-afaa-801ca211c62a": "Feitian ePass FIDO-NFC (Enterprise Profile)",
    "3e22415d-7fdf-4ea4-8a0c-dd60c4249b9d": "Feitian iePass FIDO Authenticator",
    "12ded745-4bed-47d4-abaa-e713f51d6393": "Feitian AllinOne FIDO2 Authenticator",
    "77010bd7-212a-4fc9-b236-d2ca5e9d4084": "Feitian BioPass FIDO2 Authenticator",
    "b6ede29c-3772-412c-8a78-539c1f4c62d2": "Feitian BioPass FIDO2 Plus Authenticator",
    "42df17de-06ba-4177-a2bb-6701be1380d6": "Feitian BioPass FIDO2 Plus Authenticator",
    "a02140b7-0cbd-42e1-a9b5-a39da2545114": "Feitian BioPass FIDO2 Plus (Enterprise Profile)",
    "4c0cf95d-2f40-43b5-ba42-4c83a11c04ba": "Feitian BioPass FIDO2 Pro Authenticator",
    "2bff89f2-323a-48fc-b7c8-9ff7fe87c07e": "Feitian BioPass FIDO2 Pro (Enterprise Profile)",
    "2c0df832-92de-4be1-8412-88a8f074df4a": "Feitian FIDO Smart Card",
    # Excelsecu (一砂)
    "6002f033-3c07-ce3e-d0f7-0ffe5ed42543": "Excelsecu eSecu FIDO2 Fingerprint Key",
    # Yubico
    "cb69481e-8ff7-4039-93ec-0a2729a154a8": "YubiKey 5 Series",
    "ee882879-721c-4913-9775-3dfcce97072a": "YubiKey 5 Series",
    "19083c3d-8383-4b18-bc03-8f1c9ab2fd1b": "YubiKey 5 Series",
    "ff4dac45-ede8-4ec2-aced-cf66103f4335": "YubiKey 5 Series",
    "fa2b99dc-9e39-4257-8f92-4a30d23c4118": "YubiKey 5 Series with NFC",
    "2fc0579f-8113-47ea-b116-bb5a8db9202a": "YubiKey 5 Series with NFC",
    "d7781e5d-e353-46aa-afe2-3ca49f13332a": "YubiKey 5 Series with NFC",
    "a25342c0-3cdc-4414-8e46-f4807fca511c": "YubiKey 5 Series with NFC",
    "c5ef55ff-ad9a-4b9f-b580-adebafe026d0": "YubiKey 5 Series with Lightning",
    "73bb0cd4-e502-49b8-9c6f-b59445bf720b": "YubiKey 5 FIPS Series",
    "57f7de54-c807-4eab-b1c6-1c9be7984e92": "YubiKey 5 FIPS Series",
    "fcc0118f-cd45-435b-8da1-9782b2da0715": "YubiKey 5 FIPS Series with NFC",
    "c1f9a0bc-1dd2-404a-b27f-8e29047a43fd": "YubiKey 5 FIPS Series with NFC",
    "d8522d9f-575b-4866-88a9-ba99fa02f35b": "YubiKey Bio Series - FIDO Edition",
    "dd86a2da-86a0-4cbe-b462-4bd31f57bc6f": "YubiKey Bio Series - FIDO Edition",
    "f8a011f3-8c0a-4d15-8006-17111f9edc7d": "Security Key by Yubico",
    "b92c3f9a-c014-4056-887f-140a2501163b": "Security Key by Yubico",
    "149a2021-8ef6-4133-96b8-81f8d5b7f1f5": "Security Key by Yubico with NFC",
    "6d44ba9b-f6ec-2e49-b930-0c8fe920cb73": "Security Key by Yubico with NFC",
    "a4e9fc6d-4cbe-4758-b8ba-37598bb5bbaa": "Security Key NFC by Yubico",
    "e77e3c64-05e3-428b-8824-0cbeb04b829d": "Security Key NFC by Yubico",
    "b7d3f68e-88a6-471e-9ecf-2df26d041ede": "Security Key NFC by Yubico",
    # others certified by the FIDO Alliance
    "42b4fb4a-2866-43b2-9bf7-6c6669c2e5d3": "Google Titan Security Key v2",
    "2cd2f727-f6ca-44da-8f48-5c2e5da000a2": "Nitrokey 3 AM",
    "ab32f0c6-2239-afbb-c470-d2ef4e254db7": "TOKEN2 FIDO2 Security Key",
    "eabb46cc-e241-80bf-ae9e-96fa6d2975cf": "TOKEN2 PIN Plus Security Key Series",
}

# Chromium's DevTools virtual authenticator (CTAP2): the demo allows it, so that `make run` and the browser tests can
# enrol a "key" without hardware, and the demo's banner says so. Never in the default list.
CHROMIUM_VIRTUAL_AUTHENTICATOR = "01020304-0506-0708-0102-030405060708"

# Models that attest themselves (packed attestation signed by the credential's own key, no certificate): their claim
# to a model proves nothing, so with the key requirement on such an enrolment is accepted only for these AAGUIDs.
# The virtual authenticator is here so that the demo and the browser tests enrol; it is still refused unless the
# approved list holds it (the demo adds it, the default list does not).
SELF_ATTESTING_MODELS = frozenset({CHROMIUM_VIRTUAL_AUTHENTICATOR})


def approved_models(configured: str, *, demo: bool) -> frozenset[str]:
    """The AAGUIDs accepted at enrolment: the configured list, or the default one; empty means any model (``any``)."""
    text = configured.strip().lower()
    if text == "any":
        return frozenset()
    listed = {a.strip() for a in text.split(",") if a.strip()} if text else set(DEFAULT_MODELS)
    if demo:
        listed.add(CHROMIUM_VIRTUAL_AUTHENTICATOR)
    return frozenset(listed)
