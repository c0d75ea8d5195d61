"""client.providers and client.wallet."""
from __future__ import annotations

import pytest

import dc1


def test_providers_list(client):
    providers = client.providers.list()
    assert providers, "the emulator has providers online"
    p = providers[0]
    assert isinstance(p, dc1.Provider)
    for attr in ("id", "name", "gpu_model", "vram_gb", "vram_mib", "status",
                 "reliability_score", "is_live"):
        assert hasattr(p, attr), attr
    assert isinstance(p.id, int)
    assert isinstance(p.vram_gb, (int, float)) and p.vram_gb >= 0
    assert isinstance(p.is_live, bool)
    # "the rest": every raw field is reachable
    for key, value in p.raw.items():
        if key not in ("raw",):
            assert getattr(p, key) == value or key in ("vram_gb", "vram_mib", "gpu_count",
                                                       "cached_models", "reliability_score")
    assert p._raw is p.raw
    assert p["id"] == p.raw["id"]
    # largest VRAM first
    vrams = [x.vram_mib or 0 for x in providers]
    assert vrams == sorted(vrams, reverse=True)


def test_providers_filters(client):
    every = client.providers.list()
    live = client.providers.list(live=True)
    assert all(p.is_live for p in live)
    big = client.providers.list(min_vram_gb=20)
    assert all(p.vram_gb >= 20 for p in big)
    one = client.providers.list(limit=1)
    assert len(one) == min(1, len(every))
    model = every[0].gpu_model
    needle = model.split()[-1].lower()
    assert all(needle in p.gpu_model.lower() for p in client.providers.list(gpu_model=needle))


def test_providers_get(client):
    first = client.providers.list()[0]
    again = client.providers.get(first.id)
    assert again.id == first.id and again.name == first.name
    with pytest.raises(dc1.NotFoundError) as info:
        client.providers.get(987654321)
    assert info.value.status_code == 404
    assert isinstance(info.value, dc1.APIError)


def test_providers_is_public(emu):
    with dc1.DC1Client(api_key="", base_url=emu.base_url) as anon:
        assert anon.providers.list()


def test_wallet_balance(client):
    bal = client.wallet.balance()
    assert isinstance(bal, dc1.Balance)
    assert dc1.Wallet is dc1.Balance
    assert bal.balance_halala == 50000
    assert bal.balance_sar == pytest.approx(500.0)
    assert bal.available_halala == 50000
    assert bal.held_halala == 0 and bal.held_sar == 0
    assert bal.total_spent_halala >= 0 and bal.total_spent_sar >= 0
    assert bal.total_jobs == 0
    assert "balance_halala=50000" in repr(bal)
    assert client.api_key not in repr(bal)
    # official Wallet attributes
    assert isinstance(bal.name, str) and isinstance(bal.email, str)
    assert bal.api_key == client.api_key
    assert f"{bal.balance_sar:.2f}" == "500.00"


def test_wallet_me(client, renter):
    me = client.wallet.me()
    assert "renter" in me
    assert me["renter"]["balance_halala"] == 50000
    assert client.me()["renter"]["id"] == me["renter"]["id"]
