# mk/rtcp.mk - (filled by the rtcp module)
