# mk/sdp.mk - (filled by the sdp module)
