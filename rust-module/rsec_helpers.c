// SPDX-License-Identifier: GPL-2.0
/*
 * Thin wrappers of static-inline kernel functions and macros, for the Rust side of rsec.
 * No logic lives here: each function is one call, declared in bindings/rsec_bindings.h.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "bindings/rsec_bindings.h"

const char *rsec_helper_kernel_release(void)
{
	return init_utsname()->release;
}

void rsec_helper_rcu_read_lock(void)
{
	rcu_read_lock();
}

void rsec_helper_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

void rsec_helper_hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	hlist_add_head_rcu(n, h);
}

void rsec_helper_hlist_del_rcu(struct hlist_node *n)
{
	hlist_del_rcu(n);
}

struct hlist_node *rsec_helper_hlist_first_rcu(struct hlist_head *h)
{
	return rcu_dereference(hlist_first_rcu(h));
}

struct hlist_node *rsec_helper_hlist_next_rcu(struct hlist_node *n)
{
	return rcu_dereference(hlist_next_rcu(n));
}

void *rsec_helper_net_generic(const struct net *net, unsigned int id)
{
	return net_generic(net, id);
}

struct net *rsec_helper_genl_info_net(const struct genl_info *info)
{
	return genl_info_net(info);
}

const struct genl_info *rsec_helper_genl_info_dump(struct netlink_callback *cb)
{
	return genl_info_dump(cb);
}

void *rsec_helper_nlmsg_attrdata(const struct nlmsghdr *nlh, int hdrlen)
{
	return nlmsg_attrdata(nlh, hdrlen);
}

int rsec_helper_nlmsg_attrlen(const struct nlmsghdr *nlh, int hdrlen)
{
	return nlmsg_attrlen(nlh, hdrlen);
}

struct sk_buff *rsec_helper_genlmsg_new(size_t payload)
{
	return genlmsg_new(payload, GFP_KERNEL);
}

void rsec_helper_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

void *rsec_helper_genlmsg_iput(struct sk_buff *skb, const struct genl_info *info, int flags)
{
	return __genlmsg_iput(skb, info, flags);
}

void rsec_helper_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

void rsec_helper_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

int rsec_helper_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

struct nlattr *rsec_helper_nla_nest_start(struct sk_buff *skb, int attrtype)
{
	return nla_nest_start(skb, attrtype);
}

int rsec_helper_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	return nla_nest_end(skb, start);
}

void rsec_helper_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_cancel(skb, start);
}

unsigned int rsec_helper_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}

time64_t rsec_helper_ktime_get_boottime_seconds(void)
{
	return ktime_get_boottime_seconds();
}

static bool rsec_param_selftest;
module_param_named(selftest, rsec_param_selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Run the ESP transform selftest at load; a failure fails the load");

bool rsec_helper_param_selftest(void)
{
	return rsec_param_selftest;
}

void rsec_helper_crypto_free_aead(struct crypto_aead *tfm)
{
	crypto_free_aead(tfm);
}

unsigned int rsec_helper_crypto_aead_reqsize(struct crypto_aead *tfm)
{
	return crypto_aead_reqsize(tfm);
}

unsigned int rsec_helper_crypto_aead_ivsize(struct crypto_aead *tfm)
{
	return crypto_aead_ivsize(tfm);
}

unsigned int rsec_helper_crypto_aead_authsize(struct crypto_aead *tfm)
{
	return crypto_aead_authsize(tfm);
}

const char *rsec_helper_crypto_aead_driver_name(struct crypto_aead *tfm)
{
	return crypto_aead_driver_name(tfm);
}

void rsec_helper_aead_request_set_tfm(struct aead_request *req, struct crypto_aead *tfm)
{
	aead_request_set_tfm(req, tfm);
}

void rsec_helper_aead_request_set_callback(struct aead_request *req, u32 flags,
					   crypto_completion_t compl, void *data)
{
	aead_request_set_callback(req, flags, compl, data);
}

void rsec_helper_aead_request_set_crypt(struct aead_request *req, struct scatterlist *src,
					struct scatterlist *dst, unsigned int cryptlen, u8 *iv)
{
	aead_request_set_crypt(req, src, dst, cryptlen, iv);
}

void rsec_helper_aead_request_set_ad(struct aead_request *req, unsigned int assoclen)
{
	aead_request_set_ad(req, assoclen);
}

void rsec_helper_sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int len)
{
	sg_set_buf(sg, buf, len);
}

struct sk_buff *rsec_helper_alloc_skb(unsigned int size, gfp_t priority)
{
	return alloc_skb(size, priority);
}

void rsec_helper_kfree_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

void rsec_helper_consume_skb(struct sk_buff *skb)
{
	consume_skb(skb);
}

void rsec_helper_skb_reserve(struct sk_buff *skb, int len)
{
	skb_reserve(skb, len);
}

unsigned int rsec_helper_skb_headroom(const struct sk_buff *skb)
{
	return skb_headroom(skb);
}

int rsec_helper_skb_tailroom(const struct sk_buff *skb)
{
	return skb_tailroom(skb);
}

unsigned int rsec_helper_skb_headlen(const struct sk_buff *skb)
{
	return skb_headlen(skb);
}

bool rsec_helper_pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return pskb_may_pull(skb, len);
}

int rsec_helper_pskb_trim(struct sk_buff *skb, unsigned int len)
{
	return pskb_trim(skb, len);
}

bool rsec_helper_skb_is_gso(const struct sk_buff *skb)
{
	return skb_is_gso(skb);
}

bool rsec_helper_skb_csum_partial(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_PARTIAL;
}

void rsec_helper_skb_csum_none(struct sk_buff *skb)
{
	skb->ip_summed = CHECKSUM_NONE;
}

void *rsec_helper_kmalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags);
}

void rsec_helper_memzero_explicit(void *s, size_t count)
{
	memzero_explicit(s, count);
}

/* ---- Link type and packet path (device.rs, recv.rs, xmit.rs, pkt.rs) ---- */

void *rsec_helper_netdev_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

struct net *rsec_helper_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

int rsec_helper_dev_ifindex(const struct net_device *dev)
{
	return dev->ifindex;
}

unsigned int rsec_helper_dev_mtu(const struct net_device *dev)
{
	return READ_ONCE(dev->mtu);
}

const struct net_device_ops *rsec_helper_dev_netdev_ops(const struct net_device *dev)
{
	return dev->netdev_ops;
}

void rsec_helper_dev_set_netdev_ops(struct net_device *dev, const struct net_device_ops *ops)
{
	dev->netdev_ops = ops;
}

void rsec_helper_dev_set_type_flags(struct net_device *dev, unsigned short type,
				    unsigned int flags, unsigned long long priv_flags)
{
	dev->type = type;
	dev->flags = flags;
	dev->priv_flags |= priv_flags;
}

void rsec_helper_dev_set_mtu_range(struct net_device *dev, unsigned int mtu,
				   unsigned int min_mtu, unsigned int max_mtu)
{
	dev->mtu = mtu;
	dev->min_mtu = min_mtu;
	dev->max_mtu = max_mtu;
}

void rsec_helper_dev_set_room(struct net_device *dev, unsigned short headroom,
			      unsigned short tailroom)
{
	dev->needed_headroom = headroom;
	dev->needed_tailroom = tailroom;
}

void rsec_helper_dev_set_lltx(struct net_device *dev)
{
	dev->lltx = true;
}

void rsec_helper_dev_set_needs_free_netdev(struct net_device *dev)
{
	dev->needs_free_netdev = true;
}

void rsec_helper_dev_set_pcpu_stat_tstats(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
}

void rsec_helper_dev_sw_netstats_rx_add(struct net_device *dev, unsigned int len)
{
	dev_sw_netstats_rx_add(dev, len);
}

void rsec_helper_dev_sw_netstats_tx_add(struct net_device *dev, unsigned int packets,
					unsigned int len)
{
	dev_sw_netstats_tx_add(dev, packets, len);
}




unsigned char *rsec_helper_skb_data(const struct sk_buff *skb)
{
	return skb->data;
}

unsigned char *rsec_helper_skb_network_header(const struct sk_buff *skb)
{
	return skb_network_header(skb);
}

struct net_device *rsec_helper_skb_dev(const struct sk_buff *skb)
{
	return skb->dev;
}


const char *rsec_helper_dev_name(const struct net_device *dev)
{
	return dev->name;
}

void rsec_helper_rcu_assign_pointer(void **slot, void *p)
{
	rcu_assign_pointer(*(void __rcu **)slot, p);
}

void *rsec_helper_rcu_dereference(void **slot)
{
	return rcu_dereference(*(void __rcu **)slot);
}

void *rsec_helper_skb_cb(struct sk_buff *skb)
{
	return skb->cb;
}

struct sock *rsec_helper_skb_sk(const struct sk_buff *skb)
{
	return skb->sk;
}

void rsec_helper_skb_set_dev(struct sk_buff *skb, struct net_device *dev)
{
	skb->dev = dev;
}

void rsec_helper_skb_set_protocol(struct sk_buff *skb, __be16 protocol)
{
	skb->protocol = protocol;
}

void rsec_helper_skb_reset_network_header(struct sk_buff *skb)
{
	skb_reset_network_header(skb);
}

void rsec_helper_skb_reset_mac_header(struct sk_buff *skb)
{
	skb_reset_mac_header(skb);
}

void rsec_helper_skb_set_pkt_type_host(struct sk_buff *skb)
{
	skb->pkt_type = PACKET_HOST;
}

void rsec_helper_skb_dst_drop(struct sk_buff *skb)
{
	skb_dst_drop(skb);
}

void rsec_helper_skb_dst_set(struct sk_buff *skb, struct dst_entry *dst)
{
	skb_dst_set(skb, dst);
}

int rsec_helper_skb_cow_head(struct sk_buff *skb, unsigned int headroom)
{
	return skb_cow_head(skb, headroom);
}

/* ip_route_output_key over a flow of ESP from saddr to daddr; an ERR_PTR on failure. */
struct dst_entry *rsec_helper_route_output4(struct net *net, __be32 saddr, __be32 daddr)
{
	struct flowi4 fl = { .saddr = saddr, .daddr = daddr, .flowi4_proto = IPPROTO_ESP };
	struct rtable *rt = ip_route_output_key(net, &fl);

	return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
}

/* ip6_route_output over a flow of ESP from saddr to daddr; an ERR_PTR on failure. */
struct dst_entry *rsec_helper_route_output6(struct net *net, const struct in6_addr *saddr,
					    const struct in6_addr *daddr)
{
	struct flowi6 fl = { .saddr = *saddr, .daddr = *daddr, .flowi6_proto = IPPROTO_ESP };
	struct dst_entry *dst = ip6_route_output(net, NULL, &fl);
	int err = dst->error;

	if (err) {
		dst_release(dst);
		return ERR_PTR(err);
	}
	return dst;
}

unsigned int rsec_helper_dst_mtu(const struct dst_entry *dst)
{
	return dst_mtu(dst);
}

struct net_device *rsec_helper_dst_dev(const struct dst_entry *dst)
{
	return dst->dev;
}

unsigned int rsec_helper_ll_reserved_space(const struct net_device *dev)
{
	return LL_RESERVED_SPACE(dev);
}

void rsec_helper_ip_select_ident(struct net *net, struct sk_buff *skb)
{
	ip_select_ident(net, skb, NULL);
}

void rsec_helper_icmp_frag_needed(struct sk_buff *skb, unsigned int mtu)
{
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
}

void rsec_helper_icmpv6_pkt_too_big(struct sk_buff *skb, unsigned int mtu)
{
	icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
}

void rsec_helper_ipv4_change_dsfield(void *iph, u8 mask, u8 value)
{
	ipv4_change_dsfield(iph, mask, value);
}

void rsec_helper_ipv6_change_dsfield(void *ipv6h, u8 mask, u8 value)
{
	ipv6_change_dsfield(ipv6h, mask, value);
}

struct sk_buff *rsec_helper_genlmsg_new_atomic(size_t payload)
{
	return genlmsg_new(payload, GFP_ATOMIC);
}

void *rsec_helper_genlmsg_put_event(struct sk_buff *skb, const struct genl_family *family, u8 cmd)
{
	return genlmsg_put(skb, 0, 0, family, 0, cmd);
}

int rsec_helper_genlmsg_multicast_netns(const struct genl_family *family, struct net *net,
					struct sk_buff *skb, unsigned int group)
{
	return genlmsg_multicast_netns(family, net, skb, 0, group, GFP_ATOMIC);
}

struct dst_entry *rsec_helper_skb_dst(const struct sk_buff *skb)
{
	return skb_dst(skb);
}
